#include "sim/cli/commands.hpp"

int main(int argc, char** argv) { return trainsim::cli::main(argc, argv); }
