# Error-message test for one bad input file (style.md §7.3). Usage:
#   cmake -DTRAINSIM=<path to trainsim> -DINPUT=<file> -P check_error.cmake
# (run from the directory that INPUT is relative to). Passes only if `trainsim check INPUT`
#   1. exits with code 2,
#   2. writes to stderr a first line of the form "INPUT:LINE:COL: error: ..." or, for whole-file
#      problems, "INPUT: error: ...", and
#   3. its stderr matches the regex on the file's first line, "# expect: <regex>".
# The regex is a CMake regular expression (no \d, no {n}; escape ( ) [ ] . * + ? with a backslash).
cmake_minimum_required(VERSION 3.25)
foreach(var TRAINSIM INPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_error.cmake: -D${var}=... is required")
  endif()
endforeach()

file(STRINGS "${INPUT}" first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^# expect: (.+)$")
  message(FATAL_ERROR "${INPUT}: the first line must be '# expect: <regex>', got '${first_line}'")
endif()
set(expect "${CMAKE_MATCH_1}")

execute_process(COMMAND "${TRAINSIM}" check "${INPUT}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "trainsim check ${INPUT}: exit ${rc}\n${err}")

if(NOT rc EQUAL 2)
  message(FATAL_ERROR "expected exit code 2 (bad input), got ${rc}\nstdout: ${out}")
endif()
string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" input_re "${INPUT}")
if(NOT err MATCHES "^${input_re}(:[0-9]+:[0-9]+)?: error: ")
  message(FATAL_ERROR "stderr does not start with '${INPUT}:LINE:COL: error: ' or '${INPUT}: error: '")
endif()
if(NOT err MATCHES "${expect}")
  message(FATAL_ERROR "stderr does not match the expected regex: ${expect}")
endif()
