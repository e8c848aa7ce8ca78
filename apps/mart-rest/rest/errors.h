#pragma once
// Error mapping: a Status becomes the seeds' error reply. The HTTP status comes
// from the one error table (InfoFor(code).http_status); the body is FastAPI's:
// {"detail": "<message>"}, and for INVALID_ARGUMENT (422) the validation list
// {"detail": [{"loc": [...], "msg": "...", "type": "value_error"}]}.
// Pure functions: thread safe.

#include <string>
#include <string_view>

#include "mart/status.h"
#include "rest/http.h"

namespace mart::rest {

// The reply for a failed call. `source` ("body", "query" or "path") is the
// first element of a 422's `loc` when details carry a `field` but no `loc`.
// 401 carries `WWW-Authenticate: Bearer`; 429 carries `Retry-After` when
// details give `retry_after_s`.
HttpReply ErrorReply(const Status& status, std::string_view source = "body");

// {"detail": detail} with the given status (404 Not Found, 405, 413, …).
HttpReply DetailReply(int http_status, std::string detail);

// A 401 for a route that needs a token when the request has none.
HttpReply NotAuthenticatedReply();

}  // namespace mart::rest
