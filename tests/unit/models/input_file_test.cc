// The bounded reader every input goes through: limits, pipes, lines and UTF-8.
#include "models/json_input/input_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "models/json_input/input_error.h"

namespace fabricplan {
namespace {

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/fabricplan-input-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  return name;
}

TEST(InputFile, ReadsARegularFileWholeAndRefusesOneOverTheLimitBeforeReading) {
  const std::string path = temp_file("0123456789");
  EXPECT_EQ(read_input_file(path, 10, "JSON file"), "0123456789");
  try {
    read_input_file(path, 9, "JSON file");
    FAIL() << "a 10-byte file passed a 9-byte limit";
  } catch (const InputError& e) {
    EXPECT_NE(e.found().find("10 bytes"), std::string::npos) << e.found();
  }
  std::remove(path.c_str());
}

TEST(InputFile, RefusesADeviceThatNeverEndsAtTheLimit) {
  EXPECT_THROW(read_input_file("/dev/zero", 1 << 20, "JSON file"), InputError);
  EXPECT_THROW(for_each_input_line("/dev/zero", 1 << 20, "log file", [](std::size_t, std::string_view) {}), InputError);
}

TEST(InputFile, ReadsAPipeToItsEnd) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    const std::string chunk(100000, 'x');
    for (int i = 0; i < 3; ++i) ASSERT_EQ(write(fds[1], chunk.data(), chunk.size()), 100000);
    close(fds[1]);
  });
  const std::string text = read_input_file("/dev/fd/" + std::to_string(fds[0]), 1 << 20, "JSON file");
  writer.join();
  close(fds[0]);
  EXPECT_EQ(text.size(), 300000u);
}

TEST(InputFile, SplitsLinesWithOrWithoutCarriageReturnsAndTheLastNewline) {
  const std::string path = temp_file("one\r\ntwo\n\nfour");
  std::vector<std::string> lines;
  std::vector<std::size_t> numbers;
  for_each_input_line(path, 1 << 20, "log file", [&](std::size_t n, std::string_view l) {
    numbers.push_back(n);
    lines.emplace_back(l);
  });
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "", "four"}));
  EXPECT_EQ(numbers, (std::vector<std::size_t>{1, 2, 3, 4}));
  std::remove(path.c_str());
}

TEST(InputFile, CutsAVeryLongLineAtTheLineLimit) {
  const std::string path = temp_file(std::string(kMaxLogLineBytes * 3, 'a') + "\nb\n");
  std::vector<std::size_t> sizes;
  for_each_input_line(path, 1 << 20, "log file", [&](std::size_t, std::string_view l) { sizes.push_back(l.size()); });
  EXPECT_EQ(sizes, (std::vector<std::size_t>{kMaxLogLineBytes, 1}));
  std::remove(path.c_str());
}

TEST(InputFile, RefusesALineThatIsNotUtf8AtItsNumber) {
  const std::string path = temp_file("fine\nNCCL version 2.21\xff\n");
  try {
    for_each_input_line(path, 1 << 20, "log file", [](std::size_t, std::string_view) {});
    FAIL() << "0xff passed as UTF-8";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pointer(), "line 2");
    EXPECT_NE(e.found().find("0xff at column 18"), std::string::npos) << e.found();  // "NCCL version 2.21" is 17 bytes
  }
  std::remove(path.c_str());
}

// RFC 3629's table, case by case: what is valid and where the first bad byte is.
TEST(InputFile, FindsTheFirstInvalidUtf8SequenceAsRfc3629Defines) {
  EXPECT_EQ(first_invalid_utf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("\xc3\xa9t\xc3\xa9"), std::string_view::npos);        // été
  EXPECT_EQ(first_invalid_utf8("\xe2\x82\xac"), std::string_view::npos);             // €
  EXPECT_EQ(first_invalid_utf8("\xf0\x9f\x98\x80"), std::string_view::npos);         // U+1F600
  EXPECT_EQ(first_invalid_utf8("ab\xc0\xaf"), 2u);        // overlong '/'
  EXPECT_EQ(first_invalid_utf8("ab\xe0\x80\xaf"), 2u);    // overlong 3-byte
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);      // a UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("x\xe2\x82"), 1u);         // cut short at the end
  EXPECT_EQ(first_invalid_utf8("x\x80"), 1u);             // a lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xc3("), 0u);             // a lead byte without its continuation
}

}  // namespace
}  // namespace fabricplan
