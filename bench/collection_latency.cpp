// Collection reference point latency, as one client sees it: POSTs a collection's RCT
// reference point, polls the job (one keep-alive connection, every 200 µs) until it is
// completed, and repeats. Prints `mean_ms=... p50_ms=... p99_ms=... jobs=N` for
// scripts/bench.sh (docs/PERFORMANCE.md).
//
// Usage: bench_collection_latency HOST PORT COLLECTION_ID JOBS

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// One request on the open connection; answers the response body (throws on a non-2xx).
std::string exchange(beast::tcp_stream& stream, const std::string& host, http::verb method,
                     const std::string& target, const std::string& body = {}) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, host);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  if (res.result_int() >= 300)
    throw std::runtime_error(target + " answered " + std::to_string(res.result_int()) + ": " +
                             res.body());
  return res.body();
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: bench_collection_latency HOST PORT COLLECTION_ID JOBS\n";
    return 2;
  }
  const std::string host = argv[1];
  const std::string collection = argv[3];
  const int jobs = std::stoi(argv[4]);
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream{io};
    stream.connect(tcp::resolver{io}.resolve(host, argv[2]));
    std::vector<double> ms;
    for (int i = 0; i < jobs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      auto job = boost::json::parse(
        exchange(stream, host, http::verb::post,
                 "/api/v1/collections/" + collection + "/reference-points", R"({"type":"rct"})"));
      const std::string target = "/api/v1/jobs/" + std::string{job.at("id").as_string()};
      for (;;) {
        auto now = boost::json::parse(exchange(stream, host, http::verb::get, target));
        const auto state = std::string{now.at("state").as_string()};
        if (state == "completed")
          break;
        if (state != "running")
          throw std::runtime_error("job ended " + state + ": " + boost::json::serialize(now));
        std::this_thread::sleep_for(std::chrono::microseconds{200});
      }
      ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count());
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
      sum += v;
    std::printf("mean_ms=%.2f p50_ms=%.2f p99_ms=%.2f jobs=%d\n",
                sum / static_cast<double>(ms.size()), ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], jobs);
  } catch (const std::exception& e) {
    std::cerr << "bench_collection_latency: " << e.what() << "\n";
    return 1;
  }
}
