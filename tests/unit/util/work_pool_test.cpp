#include "core/util/work_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
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

TEST(WorkPool, RethrowsTheFirstFailureOnWait) {
  WorkPool pool(2, 4);
  pool.submit([] { throw std::runtime_error("job failed"); });
  EXPECT_THROW(pool.wait(), std::runtime_error);
  pool.wait(); // reported once
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

TEST(ChunkChannel, AbortReleasesABlockedProducer) {
  ChunkChannel channel(1);
  channel.push({'a'});
  channel.abort();
  channel.push({'b'}); // would block forever without abort
  std::vector<char> chunk;
  EXPECT_FALSE(channel.pop(chunk));
  EXPECT_TRUE(channel.aborted());
}

} // namespace
} // namespace zbundle::util
