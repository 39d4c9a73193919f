/// bench_make_inventory: writes a seed inventory (the `--inventory FILE` format of
/// refpointd, see configs/demo-inventory.json) of N generated machines to stdout. Every
/// machine has one or two sim disks (even indexes two); names are repeatable GUIDs.
///
/// Usage: bench_make_inventory [N]   (default 100000)

#include "bench/machine_name.hpp"

#include <cstddef>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  std::fputs("{\"systems\": [\n", stdout);
  for (std::size_t i = 0; i < n; ++i) {
    std::printf("{\"name\":\"%s\",\"elementName\":\"vm-%06zu\",\"replicationEnabled\":%s,"
                "\"disks\":[{\"id\":\"os\",\"backend\":\"sim\",\"sizeBytes\":42949672960,"
                "\"changeTracking\":true}",
                bench::machine_name(i).c_str(), i, i % 3 == 0 ? "false" : "true");
    if (i % 2 == 0)
      std::fputs(",{\"id\":\"data\",\"backend\":\"sim\",\"sizeBytes\":107374182400,"
                 "\"changeTracking\":true}",
                 stdout);
    std::fputs(i + 1 < n ? "]},\n" : "]}\n", stdout);
  }
  std::fputs("]}\n", stdout);
  return std::ferror(stdout) ? 1 : 0;
}
