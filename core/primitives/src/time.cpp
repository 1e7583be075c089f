// Strict RFC 3339 UTC timestamps (see time.hpp). Calendar arithmetic after H. Hinnant's
// "chrono-Compatible Low-Level Date Algorithms" (days_from_civil / civil_from_days).
#include "idos/primitives/time.hpp"

namespace idos {
namespace {

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

// Reads `count` ASCII digits at `pos`; -1 when any is not a digit.
int64_t read_digits(std::string_view s, size_t pos, size_t count) {
  int64_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

void put_digits(std::string& out, int64_t v, size_t count) {
  std::string digits(count, '0');
  for (size_t i = count; i-- > 0;) {
    digits[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out += digits;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<int64_t> parse_rfc3339_utc(std::string_view s) {
  if (s.size() != kRfc3339Length) {
    return make_error(ErrorCode::invalid_length, "timestamp must be 20 characters (YYYY-MM-DDTHH:MM:SSZ)");
  }
  if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') {
    return make_error(ErrorCode::invalid_input, "timestamp must have the form YYYY-MM-DDTHH:MM:SSZ");
  }
  const int64_t year = read_digits(s, 0, 4), month = read_digits(s, 5, 2), day = read_digits(s, 8, 2);
  const int64_t hour = read_digits(s, 11, 2), minute = read_digits(s, 14, 2), second = read_digits(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return make_error(ErrorCode::invalid_input, "timestamp has a non-digit where a digit belongs");
  }
  if (year < 1970) return make_error(ErrorCode::invalid_input, "timestamp before 1970");
  if (month < 1 || month > 12) return make_error(ErrorCode::invalid_input, "timestamp month out of range");
  if (day < 1 || day > days_in_month(year, static_cast<unsigned>(month))) {
    return make_error(ErrorCode::invalid_input, "timestamp day does not exist in that month");
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return make_error(ErrorCode::invalid_input, "timestamp time of day out of range");
  }
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

Result<std::string> format_rfc3339_utc(int64_t t) {
  if (t < kMinUnixTime || t > kMaxUnixTime) {
    return make_error(ErrorCode::invalid_input, "time outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z");
  }
  const int64_t z0 = t / 86400 + 719468;
  const int64_t secs = t % 86400;
  const int64_t era = z0 / 146097;
  const unsigned doe = static_cast<unsigned>(z0 - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  std::string out;
  out.reserve(kRfc3339Length);
  put_digits(out, y, 4);
  out += '-';
  put_digits(out, m, 2);
  out += '-';
  put_digits(out, d, 2);
  out += 'T';
  put_digits(out, secs / 3600, 2);
  out += ':';
  put_digits(out, secs / 60 % 60, 2);
  out += ':';
  put_digits(out, secs % 60, 2);
  out += 'Z';
  return out;
}

}  // namespace idos
