#pragma once
// The seeds' body written straight from the text of martd's result, for the
// shapes that only rename (a page of 100 products is ~17 KB: parsing it and
// writing it again was most of the bridge's work per request). The bytes are
// those ShapeResult's value would dump. Pure functions: thread safe.

#include <string>
#include <string_view>

#include "rest/rules.h"

namespace mart::rest {

// Whether results under `rule` are shaped from their text: kAsIs and
// kProducts, unless the body also names the martd that answered.
bool ShapesText(const RouteRule& rule);

// The body for `result`, martd's compact JSON text of a result under `rule`
// (ShapesText(rule)): as it is for kAsIs; for kProducts each product object,
// alone or in an array, with its own "id" shown as "_id" at the place
// nlohmann's key order gives it. Text that is not an object or an array of
// them is left as it is, as ShapeResult leaves such a value.
std::string ShapeResultText(const RouteRule& rule, std::string_view result);

}  // namespace mart::rest
