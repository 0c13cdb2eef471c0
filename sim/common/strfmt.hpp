// printf-style formatting into a std::string, for report text (at most 511 characters per call).
#pragma once

#include <cstdarg>
#include <cstdio>
#include <string>

namespace trainsim {

std::string strfmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline std::string strfmt(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

}  // namespace trainsim
