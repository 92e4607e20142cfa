#include "sync/sse.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace liaison::sync {
namespace {

TEST(Sse, EventsParseBackWhateverWayTheBytesAreSplit) {
  std::string stream = sse_frame("hello", "abc", "{\"head\":\"abc\"}") + std::string(kSseHeartbeat) +
                       sse_frame("change", "def", "{\"records\":[]}");
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    SseParser parser(1024);
    std::vector<SseEvent> events;
    for (std::size_t at = 0; at < stream.size(); at += step) parser.feed(std::string_view(stream).substr(at, step), events);
    ASSERT_EQ(events.size(), 2u) << "split every " << step << " bytes";
    EXPECT_EQ(events[0].event, "hello");
    EXPECT_EQ(events[0].id, "abc");
    EXPECT_EQ(events[0].data, "{\"head\":\"abc\"}");
    EXPECT_EQ(events[1].event, "change");
    EXPECT_EQ(events[1].id, "def");
  }
}

TEST(Sse, CarriageReturnLineEndsAndSeveralDataLinesAreRead) {
  SseParser parser(1024);
  std::vector<SseEvent> events;
  parser.feed("data: one\r\ndata: two\r\rid: 7\n\n", events);
  ASSERT_EQ(events.size(), 1u);  // the id without data makes no event
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "one\ntwo");
  EXPECT_TRUE(events[0].id.empty());
}

TEST(Sse, ALineLongerThanTheLimitIsRefused) {
  SseParser parser(16);
  std::vector<SseEvent> events;
  EXPECT_THROW(parser.feed("data: " + std::string(64, 'x'), events), Failure);
}

TEST(Sse, AnEventLargerThanTheLimitIsRefused) {
  SseParser parser(16);
  std::vector<SseEvent> events;
  std::string many;
  for (int i = 0; i < 8; ++i) many += "data: 0123456789\n";
  EXPECT_THROW(parser.feed(many, events), Failure);
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace liaison::sync
