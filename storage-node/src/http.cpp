#include "http.hpp"

#include <strings.h>

namespace idos::node::http {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return ::strcasecmp(a.c_str(), b.c_str()) < 0;
}

namespace {
template <typename Map>
std::string nth_value(const Map& map, const std::string& key, size_t id) {
  auto [begin, end] = map.equal_range(key);
  for (auto it = begin; it != end; ++it, --id) {
    if (id == 0) return it->second;
  }
  return "";
}

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}
}  // namespace

std::string Request::get_header_value(const std::string& key, size_t id) const { return nth_value(headers, key, id); }
std::string Request::get_param_value(const std::string& key, size_t id) const { return nth_value(params, key, id); }
std::string Response::get_header_value(const std::string& key, size_t id) const { return nth_value(headers, key, id); }

void Response::set_header(const std::string& key, const std::string& value) {
  headers.erase(key);
  headers.emplace(key, value);
}

void Response::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  set_header("Content-Type", content_type);
}

std::string decode_url(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && ch == '+' ? ' ' : ch);
  }
  return out;
}

Params parse_query(std::string_view query) {
  Params out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        out.emplace(decode_url(pair, true), "");
      } else {
        out.emplace(decode_url(pair.substr(0, eq), true), decode_url(pair.substr(eq + 1), true));
      }
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

void split_target(const std::string& target, std::string& path, Params& params) {
  const size_t q = target.find('?');
  path = decode_url(std::string_view(target).substr(0, q), false);
  params = q == std::string::npos ? Params{} : parse_query(std::string_view(target).substr(q + 1));
}

}  // namespace idos::node::http
