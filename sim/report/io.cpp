#include "sim/report/io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

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

}  // namespace trainsim::report
