# All third-party dependencies come from Debian 12 packages (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
# Debian ships no SimGridConfig.cmake: pkg-config is the only way (../shared/simgrid-notes.md §0).
pkg_check_modules(SIMGRID REQUIRED IMPORTED_TARGET simgrid>=3.32)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
# Sweep results database (embedded, no server): Debian libsqlite3-dev.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
