// read_payload() and its sink across failures: every begin() is matched by an end() however the
// pass stops (a truncated bundle, a corrupt frame, a sink that throws), because push's sink
// hands the bytes to an upload thread that waits for that end.

#include "core/bundle/bundle_reader.hpp"
#include "core/bundle/bundle_writer.hpp"
#include "core/pki/signing_key.hpp"
#include "test_support.hpp"

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace zbundle::bundle {
namespace {

using test::TempDir;

class CountingSink final : public EntrySink {
public:
  explicit CountingSink(bool throw_on_write = false) : m_throw_on_write(throw_on_write) {}
  void begin(const Entry& /*entry*/) override { ++begun; }
  void write(std::span<const std::byte> /*bytes*/) override {
    if (m_throw_on_write) {
      throw std::runtime_error("the sink failed");
    }
  }
  void end(const Entry& /*entry*/, bool is_verified) override {
    ++ended;
    verified += is_verified ? 1 : 0;
  }
  int begun = 0;
  int ended = 0;
  int verified = 0;

private:
  bool m_throw_on_write;
};

// Takes big entries apart as expand does (EntrySink::split): each part is begun when split off,
// written on a worker, and ended on the pass's thread; counted together with the entries read
// in order.
class SplittingSink final : public EntrySink {
public:
  struct Counts {
    std::atomic<int> begun{0};
    std::atomic<int> ended{0};
    std::atomic<int> verified{0};
    std::atomic<int> split{0};
    std::atomic<std::uint64_t> bytes{0};
  };
  void begin(const Entry& /*entry*/) override { ++counts.begun; }
  void write(std::span<const std::byte> bytes) override { counts.bytes += bytes.size(); }
  void end(const Entry& /*entry*/, bool is_verified) override {
    ++counts.ended;
    counts.verified += is_verified ? 1 : 0;
  }
  std::unique_ptr<EntrySink> split(const Entry& /*entry*/) override {
    ++counts.split;
    ++counts.begun;
    return std::make_unique<Part>(counts);
  }
  Counts counts;

private:
  class Part final : public EntrySink {
  public:
    explicit Part(Counts& counts) : m_counts(counts) {}
    void begin(const Entry& /*entry*/) override {}
    void write(std::span<const std::byte> bytes) override { m_counts.bytes += bytes.size(); }
    void end(const Entry& /*entry*/, bool is_verified) override {
      ++m_counts.ended;
      m_counts.verified += is_verified ? 1 : 0;
    }

  private:
    Counts& m_counts;
  };
};

class PayloadSink : public ::testing::Test {
protected:
  void SetUp() override {
    test::write_blob_storage(m_dir / "store", 3, std::size_t{2} << 20);
    (void)pki::generate_signing_key((m_dir / "key").string(), pki::KeyType::ed25519, "");
    CreateOptions options;
    options.inputs = {m_dir / "store"};
    options.output = m_dir / "b.zb";
    options.level = 1;
    options.created = 1767225600;
    (void)create_bundle(options, pki::SigningKey(m_dir / "key.key", ""));
    m_trust.public_key = m_dir / "key.pub";
  }

  // The bundle cut to `fraction` of its size.
  std::filesystem::path truncated(double fraction) {
    const auto path = m_dir / "t.zb";
    std::filesystem::copy_file(
        m_dir / "b.zb", path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(
        path,
        static_cast<std::uintmax_t>(static_cast<double>(std::filesystem::file_size(path))
                                    * fraction));
    return path;
  }

  // The bundle with one byte changed in the middle of a big blob's stored data.
  std::filesystem::path tampered() {
    std::string blob;
    for (const auto& file : std::filesystem::recursive_directory_iterator(m_dir / "store")) {
      if (file.is_regular_file()) {
        blob = test::read_file(file.path());
        break;
      }
    }
    std::string bundle = test::read_file(m_dir / "b.zb");
    const std::size_t at = bundle.find(blob.substr(std::size_t{1} << 20, 64));
    EXPECT_NE(at, std::string::npos) << "the blob is not stored raw";
    bundle[at] = static_cast<char>(bundle[at] ^ 1);
    const auto path = m_dir / "tampered.zb";
    test::write_file(path, bundle);
    return path;
  }

  TempDir m_dir;
  Trust m_trust;
};

TEST_F(PayloadSink, EveryEntryEndsOnAWholeBundle) {
  BundleReader reader(m_dir / "b.zb", m_trust);
  CountingSink sink;
  int problems = 0;
  (void)reader.read_payload(&sink, [&](const model::Problem&) {
    ++problems;
    return model::AfterProblem::keep_reading;
  });
  EXPECT_EQ(problems, 0);
  EXPECT_GT(sink.begun, 0);
  EXPECT_EQ(sink.ended, sink.begun);
  EXPECT_EQ(sink.verified, sink.begun);
}

TEST_F(PayloadSink, TheEntryCutShortEndsUnverified) {
  for (const double fraction : {0.3, 0.5, 0.7}) {
    BundleReader reader(truncated(fraction), m_trust);
    CountingSink sink;
    std::vector<std::string> problems;
    (void)reader.read_payload(&sink, [&](const model::Problem& problem) {
      problems.push_back(model::to_text(problem));
      return model::AfterProblem::keep_reading;
    });
    EXPECT_FALSE(problems.empty()) << fraction;
    EXPECT_GT(sink.begun, 0) << fraction;
    EXPECT_EQ(sink.ended, sink.begun) << fraction;
    EXPECT_LT(sink.verified, sink.begun) << fraction;
  }
}

TEST_F(PayloadSink, ASinkThatThrowsStillGetsItsEnd) {
  BundleReader reader(m_dir / "b.zb", m_trust);
  CountingSink sink(true);
  EXPECT_THROW((void)reader.read_payload(
                   &sink, [](const model::Problem&) { return model::AfterProblem::keep_reading; }),
               std::runtime_error);
  EXPECT_EQ(sink.begun, 1);
  EXPECT_EQ(sink.ended, 1);
  EXPECT_EQ(sink.verified, 0);
}

// Big entries split off to workers: every part ends, verified, with every byte, once.
TEST_F(PayloadSink, SplitEntriesEndVerifiedWithEveryByte) {
  BundleReader reader(m_dir / "b.zb", m_trust);
  SplittingSink sink;
  int problems = 0;
  const PayloadTotals totals = reader.read_payload(&sink, [&](const model::Problem&) {
    ++problems;
    return model::AfterProblem::keep_reading;
  });
  EXPECT_EQ(problems, 0);
  EXPECT_EQ(sink.counts.split, 3); // the three 2 MiB blobs
  EXPECT_EQ(sink.counts.ended, sink.counts.begun);
  EXPECT_EQ(sink.counts.verified, sink.counts.begun);
  EXPECT_EQ(sink.counts.bytes, totals.bytes);
}

// A changed byte in a split entry: its digest mismatch is heard, naming it, and that part alone
// ends unverified; a truncated bundle ends every part too.
TEST_F(PayloadSink, ASplitEntryThatDiffersEndsUnverified) {
  BundleReader reader(tampered(), m_trust);
  SplittingSink sink;
  std::vector<model::Problem> problems;
  (void)reader.read_payload(&sink, [&](const model::Problem& problem) {
    problems.push_back(problem);
    return model::AfterProblem::keep_reading;
  });
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].kind, model::ProblemKind::digest_mismatch);
  EXPECT_NE(problems[0].subject.find("registry/"), std::string::npos) << problems[0].subject;
  EXPECT_EQ(sink.counts.ended, sink.counts.begun);
  EXPECT_EQ(sink.counts.verified, sink.counts.begun - 1);
  for (const double fraction : {0.3, 0.6, 0.9}) {
    BundleReader cut(truncated(fraction), m_trust);
    SplittingSink parts;
    (void)cut.read_payload(&parts, [](const model::Problem&) { return model::AfterProblem::stop; });
    EXPECT_EQ(parts.counts.ended, parts.counts.begun) << fraction;
    EXPECT_LT(parts.counts.verified, parts.counts.begun) << fraction;
  }
}

// A handler that says stop ends the pass at the problem it heard: it hears nothing more (the stop
// is not mistaken for an unreadable stream), the open entry still gets its end(), and the
// totals say the rest was not read.
TEST_F(PayloadSink, AHandlerThatSaysStopEndsThePass) {
  BundleReader reader(truncated(0.5), m_trust);
  CountingSink sink;
  std::vector<std::string> heard;
  const PayloadTotals totals = reader.read_payload(&sink, [&](const model::Problem& problem) {
    heard.push_back(model::to_text(problem));
    return model::AfterProblem::stop;
  });
  EXPECT_TRUE(totals.stopped);
  ASSERT_EQ(heard.size(), 1U);
  EXPECT_EQ(sink.ended, sink.begun);

  BundleReader whole(m_dir / "b.zb", m_trust);
  CountingSink all;
  EXPECT_FALSE(
      whole.read_payload(&all, [](const model::Problem&) { return model::AfterProblem::stop; })
          .stopped);
  EXPECT_GT(totals.entries, 0U);
  EXPECT_LT(totals.entries, all.begun);
}

// require_intact_payload() throws the first problem as a check failure, naming the member.
TEST_F(PayloadSink, RequireIntactPayloadThrowsTheFirstProblem) {
  BundleReader reader(truncated(0.5), m_trust);
  CountingSink sink;
  try {
    require_intact_payload(reader, &sink);
    FAIL() << "a truncated bundle passed";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::check);
    EXPECT_NE(std::string(error.what()).find("t.zb"), std::string::npos) << error.what();
  }
  EXPECT_EQ(sink.ended, sink.begun);
}

} // namespace
} // namespace zbundle::bundle
