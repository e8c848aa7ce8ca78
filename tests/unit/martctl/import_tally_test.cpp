#include "martctl/local/import_tally.h"

#include <gtest/gtest.h>

namespace mart::cli {
namespace {

using nlohmann::json;

TEST(ImportTallyTest, AReplayedReplyCountsAsAlreadyImportedNotAsCreated) {
  ImportTally tally{.rows = 5};
  tally.AddReply({{"created", 2}, {"ids", {"a", "b"}}, {"failed", json::array()},
                  {"replayed", true}});
  tally.AddReply({{"created", 1}, {"updated", 1}, {"unchanged", 0},
                  {"failed", json::array({{{"index", 1}, {"error", "x"}}})},
                  {"replayed", false}});
  EXPECT_EQ(tally.created, 1u);
  EXPECT_EQ(tally.updated, 1u);
  EXPECT_EQ(tally.already_imported, 2u);
  EXPECT_EQ(tally.failed, 1u);
  EXPECT_EQ(tally.Counts(), "created 1, updated 1, already imported 2, failed 1");
  const std::string summary = tally.Summary("p.csv");
  EXPECT_EQ(summary.substr(0, summary.find('\n')),
            "p.csv (5 rows): created 1, updated 1, already imported 2, failed 1");
  EXPECT_NE(summary.find("products deleted since were not re-created"), std::string::npos);
}

TEST(ImportTallyTest, UpdatedAndUnchangedRowsOfAReplayAreAlreadyImportedToo) {
  ImportTally tally;
  tally.AddReply({{"created", 0}, {"updated", 2}, {"unchanged", 3}, {"replayed", true}});
  EXPECT_EQ(tally.already_imported, 5u);
  EXPECT_EQ(tally.updated + tally.unchanged + tally.created, 0u);
}

TEST(ImportTallyTest, ADryRunSaysNothingChangedAndWhatWouldHappen) {
  ImportTally tally{.rows = 3, .created = 2, .skipped = 1, .dry_run = true};
  EXPECT_EQ(tally.Summary("p.csv"),
            "dry run of p.csv (3 rows), nothing was changed: would create 2, would skip 1\n");
  EXPECT_EQ(tally.ToJson("p.csv"),
            (json{{"file", "p.csv"}, {"rows", 3}, {"created", 2}, {"updated", 0},
                  {"unchanged", 0}, {"already_imported", 0}, {"skipped", 1}, {"failed", 0},
                  {"dry_run", true}}));
}

TEST(ImportTallyTest, AnEmptyRunSaysNothing) {
  EXPECT_EQ(ImportTally{}.Summary("e.csv"), "e.csv (0 rows): nothing\n");
}

}  // namespace
}  // namespace mart::cli
