#include "protocol/guid.hpp"

#include <array>
#include <cassert>
#include <random>

namespace refpoint::protocol {

namespace {

constexpr std::size_t guid_length = 36;
constexpr std::array<std::size_t, 4> dash_positions{8, 13, 18, 23};
constexpr std::string_view upper_digits = "0123456789ABCDEF";
constexpr std::string_view lower_digits = "0123456789abcdef";

bool is_dash_position(std::size_t i) {
  for (auto p : dash_positions)
    if (p == i)
      return true;
  return false;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char to_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` without one pair of enclosing braces, if it has them.
std::string_view strip_braces(std::string_view text) {
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}')
    return text.substr(1, text.size() - 2);
  return text;
}

std::mt19937_64& generator() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64{seed};
  }()};
  return engine;
}

/// 16 random bytes with the RFC 4122 version (4) and variant (10xx) bits set.
std::array<std::uint8_t, 16> random_v4_bytes() {
  std::array<std::uint8_t, 16> bytes{};
  auto& engine = generator();
  for (std::size_t half = 0; half < 2; ++half) {
    auto word = engine();
    for (std::size_t i = 0; i < 8; ++i)
      bytes[half * 8 + i] = static_cast<std::uint8_t>(word >> (8 * i));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
  return bytes;
}

} // namespace

std::string new_guid() {
  auto bytes = random_v4_bytes();
  std::string out;
  out.reserve(guid_length);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += upper_digits[static_cast<std::size_t>(bytes[i] >> 4)];
    out += upper_digits[static_cast<std::size_t>(bytes[i] & 0x0F)];
  }
  return out;
}

bool is_guid(std::string_view text) {
  auto body = strip_braces(text);
  if (body.size() != guid_length)
    return false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    bool ok = is_dash_position(i) ? body[i] == '-' : is_hex(body[i]);
    if (!ok)
      return false;
  }
  return true;
}

std::string canonical_guid(std::string_view text) {
  assert(is_guid(text));
  std::string out{strip_braces(text)};
  for (auto& c : out)
    c = to_upper(c);
  return out;
}

std::string make_rct_id(std::string_view guid, std::uint32_t counter) {
  std::string out = "rctX:";
  for (char c : strip_braces(guid))
    out += c == '-' ? ':' : to_lower(c);
  out += ':';
  for (int shift = 28; shift >= 0; shift -= 4)
    out += lower_digits[(counter >> shift) & 0x0F];
  return out;
}

} // namespace refpoint::protocol
