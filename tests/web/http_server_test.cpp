#include "support/http_client.hpp"
#include "web/http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace {

namespace web = refpoint::web;
namespace http = web::http;
using refpoint::test::http_client;
using refpoint::test::raw_exchange;
using namespace std::chrono_literals;

/// Answers "METHOD TARGET BODY" at once, on the I/O thread.
void echo(web::http_request&& req, web::responder respond) {
  web::http_response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() =
    std::string{req.method_string()} + " " + std::string{req.target()} + " " + req.body();
  respond(std::move(res));
}

web::http_response text_response(std::string body) {
  web::http_response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::move(body);
  return res;
}

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return std::string_view{text}.starts_with(prefix);
}

/// A server on 127.0.0.1, an ephemeral port, and one background I/O thread.
class HttpServer : public ::testing::Test {
protected:
  void start(web::server_limits limits = {}, web::request_handler handler = echo) {
    server_ = std::make_unique<web::http_server>(io_, limits, std::move(handler));
    const auto error = server_->listen("127.0.0.1", 0);
    ASSERT_FALSE(error) << *error;
    ASSERT_NE(server_->port(), 0);
    io_thread_ = std::thread{[this] { io_.run(); }};
  }

  /// Stops the server; true when it drained within `timeout`.
  bool stop_and_wait(std::chrono::milliseconds timeout) {
    auto drained = std::make_shared<std::promise<void>>();
    auto done = drained->get_future();
    server_->stop([drained] { drained->set_value(); });
    return done.wait_for(timeout) == std::future_status::ready;
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(stop_and_wait(5s)) << "the server did not drain";
    }
    work_.reset();
    io_.stop();
    if (io_thread_.joinable())
      io_thread_.join();
  }

  http_client client() { return http_client{"127.0.0.1", server_->port()}; }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
    boost::asio::make_work_guard(io_);
  std::unique_ptr<web::http_server> server_;
  std::thread io_thread_;
};

TEST_F(HttpServer, ServesSeveralRequestsOnOneKeepAliveConnection) {
  start();
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    const auto body = "{\"n\":" + std::to_string(i) + "}";
    const auto res = c.post("/echo/" + std::to_string(i), body);
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.body, "POST /echo/" + std::to_string(i) + " " + body);
    EXPECT_EQ(res.header("Server"), "refpoint");
    EXPECT_EQ(res.header("Content-Length"), std::to_string(res.body.size()));
  }
  EXPECT_EQ(c.connection_count(), 1u);
  EXPECT_EQ(server_->active_connections(), 1u);
}

TEST_F(HttpServer, SendsAnswerGivenLaterFromAnotherThread) {
  std::promise<web::responder> pending;
  start({}, [&](web::http_request&&, web::responder respond) {
    pending.set_value(std::move(respond));
  });
  std::thread worker{[&] {
    auto respond = pending.get_future().get();
    std::this_thread::sleep_for(50ms);
    respond(text_response("late"));
  }};
  const auto res = client().get("/late");
  worker.join();
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "late");
}

TEST_F(HttpServer, IgnoresRepeatedAnswerToAnEarlierRequest) {
  web::responder first; // the handler runs on the I/O thread only
  start({}, [&](web::http_request&& req, web::responder respond) {
    if (!first) {
      first = respond;
      respond(text_response("first"));
      respond(text_response("first again"));
      return;
    }
    first(text_response("stale"));
    respond(text_response(std::string{req.target()}));
  });
  auto c = client();
  EXPECT_EQ(c.get("/one").body, "first");
  EXPECT_EQ(c.get("/two").body, "/two");
  EXPECT_EQ(c.get("/three").body, "/three");
  EXPECT_EQ(c.connection_count(), 1u);
}

TEST_F(HttpServer, AnswersBodyOverLimitWith413) {
  std::atomic<int> calls{0};
  web::server_limits limits;
  limits.max_body_bytes = 1024;
  start(limits, [&](web::http_request&& req, web::responder respond) {
    ++calls;
    echo(std::move(req), std::move(respond));
  });
  auto c = client();
  EXPECT_EQ(c.post("/small", std::string(1024, 'x')).status, 200u);
  const auto res = c.post("/big", std::string(256 * 1024, 'x'));
  EXPECT_EQ(res.status, 413u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(res.header("Connection"), "close");
  const auto problem = res.json().as_object();
  EXPECT_EQ(problem.at("status").to_number<int>(), 413);
  EXPECT_EQ(problem.at("title").as_string(), "Payload Too Large");
  EXPECT_EQ(problem.at("type").as_string(), "about:blank");
  EXPECT_NE(std::string{problem.at("detail").as_string()}.find("1024"), std::string::npos);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(HttpServer, AnswersChunkedBodyOverLimitWith413) {
  web::server_limits limits;
  limits.max_body_bytes = 16;
  start(limits);
  const auto raw = raw_exchange(server_->port(), "POST / HTTP/1.1\r\nHost: x\r\n"
                                                 "Transfer-Encoding: chunked\r\n\r\n"
                                                 "10\r\n0123456789abcdef\r\n"
                                                 "10\r\n0123456789abcdef\r\n0\r\n\r\n");
  EXPECT_TRUE(starts_with(raw, "HTTP/1.1 413 Payload Too Large\r\n")) << raw;
}

TEST_F(HttpServer, AnswersOversizedHeaderWith431) {
  start();
  auto c = client();
  const auto res = c.get("/", {{"X-Big", std::string(32 * 1024, 'a')}});
  EXPECT_EQ(res.status, 431u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(res.json().at("status").to_number<int>(), 431);
  EXPECT_EQ(c.get("/after").status, 200u) << "the client reconnects after the close";
}

TEST_F(HttpServer, AnswersGarbageWith400AndCloses) {
  start();
  const auto raw = raw_exchange(server_->port(), "\x16\x03\x01 not http at all\r\n\r\n");
  EXPECT_TRUE(starts_with(raw, "HTTP/1.1 400 Bad Request\r\n")) << raw;
  EXPECT_NE(raw.find("Content-Type: application/problem+json"), std::string::npos);
  EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  EXPECT_NE(raw.find("\"status\":400"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return server_->active_connections() == 0; }));
}

TEST_F(HttpServer, ClosesConnectionOfClientStallingMidRequest) {
  web::server_limits limits;
  limits.read_timeout = 200ms;
  start(limits);
  const auto began = std::chrono::steady_clock::now();
  const auto raw = raw_exchange(server_->port(),
                                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 5s);
  EXPECT_EQ(raw, "");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s) << "closed by the server, not by us";
  EXPECT_TRUE(eventually([&] { return server_->active_connections() == 0; }));
}

TEST_F(HttpServer, ClosesKeepAliveConnectionIdleLongerThanIdleTimeout) {
  web::server_limits limits;
  limits.idle_timeout = 200ms;
  start(limits);
  auto c = client();
  EXPECT_EQ(c.get("/a").status, 200u);
  EXPECT_TRUE(eventually([&] { return server_->active_connections() == 0; }));
  EXPECT_EQ(c.get("/b").status, 200u);
  EXPECT_EQ(c.connection_count(), 2u);
}

TEST_F(HttpServer, RefusesConnectionsBeyondLimitWith503) {
  web::server_limits limits;
  limits.max_connections = 1;
  start(limits);
  auto c = client();
  EXPECT_EQ(c.get("/held").status, 200u);
  const auto raw = raw_exchange(server_->port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(starts_with(raw, "HTTP/1.1 503 Service Unavailable\r\n")) << raw;
  EXPECT_NE(raw.find("application/problem+json"), std::string::npos);
  EXPECT_EQ(c.get("/still").status, 200u);
  EXPECT_EQ(c.connection_count(), 1u);
}

TEST_F(HttpServer, ReportsPortAlreadyInUse) {
  start();
  web::http_server other{io_, {}, echo};
  const auto error = other.listen("127.0.0.1", server_->port());
  ASSERT_TRUE(error);
  EXPECT_EQ(*error, "address 127.0.0.1:" + std::to_string(server_->port()) + " is already in use");
}

TEST_F(HttpServer, StopLetsInFlightRequestFinishBeforeDraining) {
  std::promise<web::responder> pending;
  start({}, [&](web::http_request&&, web::responder respond) {
    pending.set_value(std::move(respond));
  });
  const auto port = server_->port();
  auto answer = std::async(std::launch::async, [port] {
    http_client c{"127.0.0.1", port};
    return c.get("/slow");
  });
  auto handed = pending.get_future();
  ASSERT_EQ(handed.wait_for(5s), std::future_status::ready);
  auto respond = handed.get();

  auto drained = std::make_shared<std::promise<void>>();
  auto done = drained->get_future();
  server_->stop([drained] { drained->set_value(); });
  EXPECT_EQ(done.wait_for(200ms), std::future_status::timeout) << "drained too early";
  EXPECT_THROW(raw_exchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2s), std::runtime_error)
    << "still accepting";

  respond(text_response("done"));
  const auto res = answer.get();
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "done");
  EXPECT_EQ(res.header("Connection"), "close");
  EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(server_->active_connections(), 0u);
}

TEST_F(HttpServer, StopClosesIdleConnectionsAtOnce) {
  start();
  auto c = client();
  EXPECT_EQ(c.get("/").status, 200u);
  EXPECT_EQ(server_->active_connections(), 1u);
  const auto began = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop_and_wait(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  EXPECT_EQ(server_->active_connections(), 0u);
}

TEST_F(HttpServer, AnswersHeadWithHeadersOnly) {
  start();
  auto c = client();
  const auto res = c.request(http::verb::head, "/x");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.header("Content-Length"), std::to_string(std::string{"HEAD /x "}.size()));
  EXPECT_EQ(c.get("/y").body, "GET /y ") << "the connection stays in sync";
}

TEST_F(HttpServer, SendsContinueWhenClientExpectsIt) {
  start();
  const auto raw =
    raw_exchange(server_->port(), "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                                  "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
  EXPECT_TRUE(starts_with(raw, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")) << raw;
  EXPECT_TRUE(std::string_view{raw}.ends_with("POST /c hello")) << raw;
}

TEST_F(HttpServer, AnswersPipelinedRequestsInOrder) {
  start();
  const auto raw = raw_exchange(server_->port(), "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                                 "GET /2 HTTP/1.1\r\nHost: x\r\n"
                                                 "Connection: close\r\n\r\n");
  const auto first = raw.find("GET /1 ");
  const auto second = raw.find("GET /2 ");
  ASSERT_NE(first, std::string::npos) << raw;
  ASSERT_NE(second, std::string::npos) << raw;
  EXPECT_LT(first, second);
}

TEST_F(HttpServer, ClosesHttp10ConnectionAfterResponse) {
  start();
  const auto began = std::chrono::steady_clock::now();
  const auto raw = raw_exchange(server_->port(), "GET /old HTTP/1.0\r\n\r\n", 5s);
  EXPECT_TRUE(starts_with(raw, "HTTP/1.0 200 OK\r\n")) << raw;
  EXPECT_TRUE(std::string_view{raw}.ends_with("GET /old ")) << raw;
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
}

TEST_F(HttpServer, AnswersWith500WhenHandlerThrows) {
  start({}, [](web::http_request&&, web::responder) { throw std::runtime_error("boom"); });
  auto c = client();
  const auto res = c.get("/");
  EXPECT_EQ(res.status, 500u);
  EXPECT_EQ(res.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(c.get("/again").status, 500u);
  EXPECT_EQ(c.connection_count(), 1u) << "the connection survives a failing handler";
}

TEST_F(HttpServer, SurvivesClientLeavingBeforeTheAnswer) {
  std::promise<web::responder> pending;
  start({}, [&](web::http_request&&, web::responder respond) {
    pending.set_value(std::move(respond));
  });
  EXPECT_THROW((http_client{"127.0.0.1", server_->port(), 300ms}.get("/gone")), std::runtime_error);
  auto handed = pending.get_future();
  ASSERT_EQ(handed.wait_for(5s), std::future_status::ready);
  handed.get()(text_response("nobody listens"));
  EXPECT_TRUE(eventually([&] { return server_->active_connections() == 0; }));
}

TEST_F(HttpServer, SurvivesClientsVanishingMidRequest) {
  start();
  const std::string request = "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody";
  for (std::size_t cut = 0; cut < request.size(); cut += 3) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket{io};
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
    boost::asio::write(socket, boost::asio::buffer(request.data(), cut));
    socket.set_option(boost::asio::socket_base::linger{true, 0}); // close with a reset
    socket.close();
  }
  EXPECT_EQ(client().post("/p", "body").body, "POST /p body");
  EXPECT_TRUE(eventually([&] { return server_->active_connections() == 0; }));
}

} // namespace
