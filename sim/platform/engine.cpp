#include "sim/platform/engine.hpp"

#include <simgrid/plugins/energy.h>
#include <xbt/log.h>

#include <memory>
#include <simgrid/s4u.hpp>

namespace trainsim::platform {

simgrid::s4u::Engine& engine() {
  static std::unique_ptr<simgrid::s4u::Engine> instance;
  if (!instance) {
    static char arg0[] = "trainsim";
#ifdef TRAINSIM_SIMGRID_THREAD_CONTEXTS
    // Sanitizer builds (docs/sanitizers.md): the default raw contexts switch stacks without
    // telling ASan ("False positive error reports may follow"); thread contexts are plain threads.
    // The log setting comes first so that the "Configuration change" line is not printed.
    static char arg1[] = "--log=root.thresh:critical";
    static char arg2[] = "--cfg=contexts/factory:thread";
    static char* argv[] = {arg0, arg1, arg2, nullptr};
    static int argc = 3;
#else
    static char* argv[] = {arg0, nullptr};
    static int argc = 1;
#endif
    instance = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
    // Host energy plugin: node power from the wattage of the current pstate and the busy cores
    // (GPUs). Must be set up before the platform exists; its per-host report at exit is an INFO
    // log, silenced with the rest of SimGrid's logs below.
    sg_host_energy_plugin_init();
    xbt_log_control_set("root.thresh:critical");
    simgrid::s4u::Engine::set_config("network/model:CM02");
    simgrid::s4u::Engine::set_config("network/crosstraffic:0");
    simgrid::s4u::Engine::set_config("network/TCP-gamma:1e15");
  }
  return *instance;
}

}  // namespace trainsim::platform
