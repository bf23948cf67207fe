#include "core/util/work_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace zbundle::util {
namespace {

TEST(WorkPool, RunsEveryJobAndWaits) {
  WorkPool pool(3, 2);
  std::atomic<int> sum = 0;
  for (int i = 1; i <= 100; ++i) {
    pool.submit([&sum, i] { sum += i; });
  }
  pool.wait();
  EXPECT_EQ(sum.load(), 5050);
}

// A failure is rethrown by the wait() after it, once: the next wait() has nothing to report,
// and jobs submitted after the failure still run.
TEST(WorkPool, RethrowsAFailureOnceAndKeepsWorking) {
  WorkPool pool(2, 4);
  pool.submit([] { throw std::runtime_error("job failed"); });
  try {
    pool.wait();
    FAIL() << "wait() did not rethrow";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "job failed");
  }
  std::atomic<int> ran = 0;
  pool.submit([&ran] { ++ran; });
  EXPECT_NO_THROW(pool.wait());
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkPool, OfTwoFailingJobsTheFirstWins) {
  WorkPool pool(1, 4); // one worker: the jobs run in the order given
  pool.submit([] { throw std::runtime_error("first"); });
  pool.submit([] { throw std::runtime_error("second"); });
  try {
    pool.wait();
    FAIL() << "wait() did not rethrow";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "first");
  }
}

TEST(ChunkChannel, AConsumerThatAbortsReleasesTheProducer) {
  auto channel = std::make_shared<ChunkChannel>(1);
  WorkPool pool(1, 1);
  pool.submit([channel] {
    std::vector<char> chunk;
    (void)channel->pop(chunk);
    channel->abort(); // as BlobHasher's consumer does when hashing throws
    throw std::runtime_error("consumer failed");
  });
  for (int i = 0; i < 16; ++i) { // blocks forever after the second push without the abort
    channel->push({'x'});
  }
  EXPECT_THROW(pool.wait(), std::runtime_error);
  EXPECT_TRUE(channel->aborted());
}

TEST(ChunkChannel, DeliversInOrderThenEnds) {
  auto channel = std::make_shared<ChunkChannel>(2);
  WorkPool pool(1, 1);
  std::string received;
  pool.submit([&] {
    for (std::vector<char> chunk; channel->pop(chunk);) {
      received.append(chunk.begin(), chunk.end());
    }
  });
  for (const char letter : std::string("abcdefgh")) {
    channel->push({letter, letter});
  }
  channel->close();
  pool.wait();
  EXPECT_EQ(received, "aabbccddeeffgghh");
}

// A producer blocked on a full channel, on its own thread, is released by abort() from another:
// the push must still be pending before the abort (so it really was blocked) and return soon
// after it. Without the release the future times out instead of hanging the suite.
TEST(ChunkChannel, AbortReleasesABlockedProducer) {
  ChunkChannel channel(1);
  channel.push({'a'}); // full
  std::atomic<bool> pushed = false;
  std::future<void> producer = std::async(std::launch::async, [&] {
    channel.push({'b'});
    pushed = true;
  });
  EXPECT_EQ(producer.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  EXPECT_FALSE(pushed.load());
  channel.abort();
  ASSERT_EQ(producer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(pushed.load());
  std::vector<char> chunk;
  EXPECT_FALSE(channel.pop(chunk));
  EXPECT_TRUE(channel.aborted());
}

} // namespace
} // namespace zbundle::util
