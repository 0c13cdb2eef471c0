#include "sim/report/io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sim/common/error.hpp"

namespace trainsim::report {

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  auto fail = [&](const std::string& why) {
    std::remove(tmp.c_str());
    throw ConfigError(format_error(path, "", "cannot write: " + why));
  };
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) fail(std::string(std::strerror(errno)) + " (" + tmp + ")");
  const size_t written = content.empty() ? 0 : std::fwrite(content.data(), 1, content.size(), f);
  const int write_errno = errno;
  const bool flushed = std::fflush(f) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (written != content.size()) fail(std::strerror(write_errno));
  if (!flushed) fail(std::strerror(flush_errno));
  if (!closed) fail(std::strerror(errno));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) fail(std::strerror(errno));
}

void write_files_atomic(const std::string& dir,
                        const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    std::string target = dir;
    while (target.size() > 1 && target.back() == '/') target.pop_back();
    const fs::path parent = fs::path(target).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec) && (!fs::create_directories(parent, ec) || ec))
      throw ConfigError(
          format_error(dir, "", "cannot create directory " + parent.string() + ": " + ec.message()));
    const std::string stage = target + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
    fs::remove_all(stage, ec);
    if (!fs::create_directory(stage, ec) || ec)
      throw ConfigError(format_error(dir, "", "cannot create directory " + stage + ": " + ec.message()));
    try {
      for (const auto& [name, content] : files) write_file_atomic(stage + "/" + name, content);
      fs::rename(stage, target, ec);
      if (ec)
        throw ConfigError(format_error(dir, "", "cannot write: renaming " + stage + ": " + ec.message()));
    } catch (const ConfigError&) {
      std::error_code ignored;
      fs::remove_all(stage, ignored);
      throw;
    }
    return;
  }
  // Existing directory: stage every file as NAME.tmp, then rename them all.
  std::vector<std::string> staged, renamed;
  auto undo = [&] {
    for (const std::string& p : staged) std::remove((p + ".tmp").c_str());
    for (const std::string& p : renamed) std::remove(p.c_str());
  };
  for (const auto& [name, content] : files) {
    const std::string path = dir + "/" + name;
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    const int open_errno = errno;
    bool ok = f != nullptr;
    if (ok) {
      ok = (content.empty() || std::fwrite(content.data(), 1, content.size(), f) == content.size());
      ok = std::fflush(f) == 0 && ok;
      ok = std::fclose(f) == 0 && ok;
    }
    staged.push_back(path);
    if (!ok) {
      const int e = f == nullptr ? open_errno : errno;
      undo();
      throw ConfigError(
          format_error(path, "", "cannot write: " + std::string(std::strerror(e)) + " (" + tmp + ")"));
    }
  }
  for (size_t i = 0; i < staged.size(); ++i) {
    const std::string path = staged[i];  // a copy: `staged` is trimmed below
    if (std::rename((path + ".tmp").c_str(), path.c_str()) != 0) {
      const int e = errno;
      staged.erase(staged.begin(), staged.begin() + static_cast<std::ptrdiff_t>(i));
      undo();
      throw ConfigError(format_error(path, "", "cannot write: " + std::string(std::strerror(e))));
    }
    renamed.push_back(path);
  }
}

}  // namespace trainsim::report
