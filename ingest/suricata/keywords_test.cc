#include "ingest/suricata/keywords.h"

#include "gtest/gtest.h"

namespace cov::ingest::suricata {
namespace {

TEST(KeywordsTest, Actions) {
  for (const char* a :
       {"alert", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth",
        "pass", "log", "sdrop", "activate", "dynamic"}) {
    EXPECT_TRUE(IsAction(a)) << a;
  }
  EXPECT_FALSE(IsAction("ALERT"));  // Suricata actions are lowercase
  EXPECT_FALSE(IsAction("alerts"));
  EXPECT_FALSE(IsAction(""));
  EXPECT_FALSE(IsAction("include"));
}

TEST(KeywordsTest, Protocols) {
  for (const char* p : {"tcp", "udp", "icmp", "ip", "http", "tls", "dns",
                        "tcp-pkt", "ftp-data", "smb", "ipv6", "http2"}) {
    EXPECT_TRUE(IsKnownProtocol(p)) << p;
  }
  EXPECT_TRUE(IsKnownProtocol("TCP"));
  EXPECT_FALSE(IsKnownProtocol("gopher"));
  EXPECT_FALSE(IsKnownProtocol(""));
}

TEST(KeywordsTest, KnowsKeywordsAndAliasesUsedByEtOpen) {
  for (const char* k : {"msg",
                        "sid",
                        "rev",
                        "gid",
                        "classtype",
                        "reference",
                        "metadata",
                        "content",
                        "pcre",
                        "flow",
                        "flowbits",
                        "nocase",
                        "fast_pattern",
                        "http.uri",
                        "http_uri",
                        "http.header_names",
                        "http_header_names",
                        "tls.sni",
                        "tls_sni",
                        "dns.query",
                        "dns_query",
                        "file.data",
                        "file_data",
                        "ja3.hash",
                        "ja3_hash",
                        "ack",
                        "seq",
                        "window",
                        "flags",
                        "app-layer-event",
                        "decode-event",
                        "threshold",
                        "byte_test",
                        "dotprefix",
                        "bsize",
                        "endswith",
                        "tls.cert_subject",
                        "xbits",
                        "target",
                        "noalert",
                        "ssh_proto",
                        "dce_iface",
                        "uricontent"}) {
    EXPECT_TRUE(IsKnownKeyword(k)) << k;
  }
  EXPECT_TRUE(IsKnownKeyword("Content"));  // case-insensitive, as Suricata
}

TEST(KeywordsTest, RejectsSnortOnlyAndJunk) {
  for (const char* k : {"resp", "react", "session", "logto", "activates",
                        "sd_pattern", "service", "", "content;",
                        "a-very-long-keyword-that-does-not-exist-anywhere-"
                        "in-suricata-at-all-really"}) {
    EXPECT_FALSE(IsKnownKeyword(k)) << k;
  }
}

}  // namespace
}  // namespace cov::ingest::suricata
