// Output files of trainsim (report.json, trace.json, ...). Pure C++, no SimGrid.
#pragma once

#include <string>

namespace trainsim::report {

// Writes `content` to `path` atomically: to "PATH.tmp" in the same directory, then rename() over
// PATH, so a reader never sees a half-written file and an existing PATH survives a failed write.
// On any failure the temporary file is removed and ConfigError "PATH: error: cannot write: <why>"
// is thrown (the user named the path: a missing directory or a read-only file system is bad input).
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace trainsim::report
