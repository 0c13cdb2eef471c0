// Output files of trainsim (report.json, trace.json, ...). Pure C++, no SimGrid.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace trainsim::report {

// Writes `content` to `path` atomically: to "PATH.tmp" in the same directory, then rename() over
// PATH, so a reader never sees a half-written file and an existing PATH survives a failed write.
// On any failure the temporary file is removed and ConfigError "PATH: error: cannot write: <why>"
// is thrown (the user named the path: a missing directory or a read-only file system is bad input).
void write_file_atomic(const std::string& path, const std::string& content);

// Writes a set of files (name -> content) into directory `dir` so that a failure leaves nothing
// partial behind:
//   * `dir` does not exist: its missing parents are created, the files are written into a fresh
//     sibling "DIR.tmp-<pid>", which is then renamed to DIR. On failure the sibling is removed:
//     DIR never exists with some of the files only.
//   * `dir` exists: every file is first written as "NAME.tmp" in DIR; only when all are written
//     are they renamed over NAME, in order. On failure the temporaries and the files this call
//     already renamed are removed (other files in DIR are left alone).
// Throws ConfigError "DIR/NAME: error: cannot write: <why>" (or "DIR: error: ...").
void write_files_atomic(const std::string& dir,
                        const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace trainsim::report
