// Command-line front end (design.md §4). Only this module and main() turn exceptions into exit
// codes: 0 success, 1 internal error, 2 bad input or usage, 3 well-formed but infeasible.
#pragma once

namespace trainsim::cli {

int main(int argc, char** argv);

}  // namespace trainsim::cli
