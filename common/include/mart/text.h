#pragma once
// Small text helpers shared by the daemon, martctl and the bridge.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mart {

bool IsValidUtf8(std::string_view text);
// Appends `text` as a JSON string, quoted and escaped byte for byte as
// nlohmann::json writes it (dump with ensure_ascii false; invalid UTF-8
// replaced by U+FFFD, as error_handler_t::replace does): for replies written
// as text without building a JSON object first.
void AppendJsonString(std::string* out, std::string_view text);
// The UTF-8 sequence starting at byte `at` (< text.size()): its length in
// bytes with *code_point set, or 0 when it is not valid UTF-8 (a stray or
// truncated byte, an overlong form, a surrogate, past U+10FFFF).
size_t DecodeUtf8(std::string_view text, size_t at, uint32_t* code_point);
std::string ToLowerAscii(std::string_view text);
std::string_view Trim(std::string_view text);
// Lower-case hex of the bytes.
std::string HexEncode(std::string_view bytes);
// True for 24 lower-case hex characters: the ids of products and orders.
bool IsObjectId(std::string_view id);

// The candidate nearest to `word` by edit distance, if closer than
// `max_distance`; "" otherwise. For "did you mean" hints.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates,
                         size_t max_distance);

// ISO-8601 UTC with microseconds and an explicit offset: 2025-05-15T11:30:00.123456+00:00.
std::string FormatTimestamp(int64_t unix_micros);
// The inverse, lenient for people: "2026-11-01" (midnight UTC),
// "2026-11-01T08:00", "2026-11-01T08:00:00", "2026-11-01 08:00:00.5", each
// optionally ending in "Z" or an offset "+02:00". nullopt for anything else.
std::optional<int64_t> ParseTimestamp(std::string_view text);
// Microseconds since the Unix epoch, from the system clock.
int64_t WallClockMicros();

}  // namespace mart
