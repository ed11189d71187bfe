package dev.fetchbus.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.support.ApiClient;
import dev.fetchbus.support.StubDns;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An SSRF catalogue: URLs, redirect hops, crawl link sources and DNS answers that a real node (API,
 * frontier, fetchers, PostgreSQL) must refuse, each one a dynamic test that asserts the node's answer.
 *
 * <p>No packet leaves the machine and no name reaches the system's DNS:
 * <ul>
 *   <li>names resolve through {@link StubDns}, given to each node through the
 *       {@link HostResolver#useLookup} seam; an unplanted name fails and is reported;
 *   <li>before a node sees a vector, the node's own code (normaliser, resolver with the same stub,
 *       guard) judges it in this JVM, and a vector it would let through is failed here and never sent,
 *       so a guard regression cannot make the node connect to 10.0.0.1 or to 177.0.0.1;
 *   <li>every vector targets an address the guard refuses before connecting; those on loopback have
 *       sinks listening (127.0.0.1 and [::1], on the origin's port) that count any request that leaks.
 * </ul>
 *
 * <p>Direct vectors run on a node with the default {@code fetch.allowNetworks} (nothing), so the guard
 * is what refuses them. Redirect, crawl and rebinding vectors need a reachable start, so they run on a
 * node that allows exactly {@code 127.0.0.2/32}, where the origin listens: 127.0.0.2 plays the public
 * internet, and every target is another address.
 */
@DisplayName("SSRF catalogue: what a node must refuse to fetch")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsrfCatalogueTest {
  /** The one address the hop and crawl node may fetch from: the stand-in for the public internet. */
  private static final String ALLOWED = "127.0.0.2";
  private static final List<String> NOTHING_ALLOWED = List.of();
  private static final List<String> ONLY_ORIGIN = List.of(ALLOWED + "/32");
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
  /** Longer than the hop node's DNS cache (dns.ttlSeconds = 1), so a rebound name is looked up again. */
  private static final long REBIND_DELAY_MS = 2_000;
  private static final Set<String> VECTORS = ConcurrentHashMap.newKeySet();

  private static LoopbackOnly tripwire;
  private static Traps traps;
  private static StubDns dns;
  private static HostResolver checker;
  private static int port;

  /** What a vector must come to: a {@code blocked} or {@code bad_url} record, or a URL refused at the door. */
  private enum Expect { BLOCKED, BAD_URL, REJECTED }

  @BeforeAll
  static void start() {
    tripwire = LoopbackOnly.install();
    traps = new Traps();
    port = traps.port;
    dns = new StubDns()
        // names whose real-world answers are loopback, link-local metadata or private networks
        .answer("localhost", "127.0.0.1", "::1")
        .answer("ip6-localhost", "::1")
        .answer("localtest.me", "127.0.0.1")
        .answer("127.0.0.1.nip.io", "127.0.0.1")
        .answer("169.254.169.254.nip.io", "169.254.169.254")
        .answer("metadata.google.internal", "169.254.169.254")
        .answer("instance-data.ec2.internal", "169.254.169.254")
        .answer("kubernetes.default.svc", "10.96.0.1")
        .answer("fritz.box", "192.168.178.1")
        .answer("printer.corp.fetchbus.test", "172.16.5.5")
        .answer("cgnat.fetchbus.test", "100.64.0.1")
        .answer("mapped.fetchbus.test", StubDns.mapped("127.0.0.1"))
        .answer("nat64.fetchbus.test", "64:ff9b::a9fe:a9fe")
        .answer("6to4.fetchbus.test", "2002:a00:1::1")
        .answer("compat.fetchbus.test", "::127.0.0.1")
        .answer("siit.fetchbus.test", "::ffff:0:a9fe:a9fe")
        .answer("scoped.fetchbus.test", StubDns.scoped("fe80::1", 1))
        .answer("ula.fetchbus.test", "fd12:3456::1")
        .answer("unspecified.fetchbus.test", "0.0.0.0", "::")
        .answer("mdns.fetchbus.test", "224.0.0.251")
        .answer("broadcast.fetchbus.test", "255.255.255.255")
        // several answers, none of them public
        .answer("all-private.fetchbus.test", "10.0.0.1", "127.0.0.1", "::1")
        .answer("metadata-dual.fetchbus.test", "169.254.169.254", "fd00:ec2::254")
        .answer("lan-mix.fetchbus.test", "192.168.1.1", "172.16.0.1", "100.64.0.1")
        .answer("reserved-mix.fetchbus.test", "198.18.0.1", "240.0.0.1", "ff02::1")
        .answer("v6-forms.fetchbus.test", StubDns.mapped("127.0.0.1"), StubDns.scoped("fe80::1", 1))
        // for the hop node: targets, an allowed hop, loopback that is not the allowed /32
        .answer("internal.fetchbus.test", "127.0.0.1")
        .answer("allowed.fetchbus.test", ALLOWED)
        .answer("loopback-others.fetchbus.test", "127.0.0.1", "::1", "127.0.0.3")
        .answer("loopback-v6-forms.fetchbus.test", StubDns.mapped("127.0.0.1"), StubDns.ip("::127.0.0.1"),
            StubDns.ip("64:ff9b::7f00:1"), StubDns.ip("2002:7f00:1::"))
        // DNS rebinding: first the allowed address, then (switched by the origin) 127.0.0.1
        .answer("rebind-redirect.fetchbus.test", ALLOWED)
        .answer("rebind-robots.fetchbus.test", ALLOWED)
        .answer("rebind-crawl.fetchbus.test", ALLOWED)
        .answer("rebind-sync.fetchbus.test", ALLOWED)
        // checks that are not refusals
        .answer("mixed.fetchbus.test", "127.0.0.1", ALLOWED)
        .answer("robots-redirect.fetchbus.test", ALLOWED);
    HostResolver.useLookup(traps.vertx, dns);
    checker = new HostResolver(traps.vertx);
  }

  @AfterAll
  static void stop() {
    if (traps != null) {
      traps.close();
    }
    if (tripwire != null) {
      tripwire.uninstall();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Direct URLs: a list job and GET /v1/fetch on a node that allows no non-public network

  private record Direct(String group, String name, String url, Expect expect) {}

  private static List<Direct> directCatalogue() {
    Catalogue c = new Catalogue();
    c.group("IPv4 spellings of loopback (WHATWG: octal, hex, dotless, short forms)");
    c.blocked("dotted decimal", "http://127.0.0.1:{P}");
    c.blocked("octal", "http://0177.0.0.1:{P}");
    c.blocked("octal, zero-padded parts", "http://0177.0000.0000.0001:{P}");
    c.blocked("octal, many leading zeros", "http://00000177.0.0.1:{P}");
    c.blocked("decimal parts with leading zeros (octal 0 and 1)", "http://127.000.000.001:{P}");
    c.blocked("hex first part", "http://0x7f.0.0.1:{P}");
    c.blocked("hex every part, upper case", "http://0x7F.0x0.0x0.0x1:{P}");
    c.blocked("hex and decimal mixed", "http://0x7f.0.0.0x1:{P}");
    c.blocked("octal, hex and a 16-bit last part", "http://0177.0x0.1:{P}");
    c.blocked("hex dotless", "http://0x7f000001:{P}");
    c.blocked("decimal dotless", "http://2130706433:{P}");
    c.blocked("octal dotless", "http://017700000001:{P}");
    c.blocked("short form a.b", "http://127.1:{P}");
    c.blocked("short form a.b.c", "http://127.0.1:{P}");
    c.blocked("hex short form", "http://0x7f.1:{P}");
    c.blocked("octal short form", "http://0177.1:{P}");
    c.blocked("hex with leading zeros", "http://0x0000007f.1:{P}");
    c.blocked("upper-case scheme and 0X prefix", "HTTP://0X7F.1:{P}");
    c.blocked("trailing dot", "http://127.0.0.1.:{P}");
    c.blocked("octal with a trailing dot", "http://0177.0.0.1.:{P}");
    c.blocked("octal with an empty port (port 80)", "http://0177.0.0.1:/{ID}");
    c.blocked("another loopback address (the origin's own)", "http://127.0.0.2:{P}");
    c.blocked("top of 127.0.0.0/8", "http://127.255.255.254:{P}");
    c.blocked("top of 127.0.0.0/8 in octal", "http://0177.0377.0377.0376:{P}");

    c.group("Hosts the normaliser decodes into an IPv4 form (percent-escapes, IDNA)");
    c.blocked("percent-encoded last octet of an octal host", "http://0177.0.0.%31:{P}");
    c.blocked("percent-encoded dots in an octal host", "http://0177%2e0%2e0%2e1:{P}");
    c.blocked("percent-encoded dots in a decimal host", "http://127%2e0%2e0%2e1:{P}");
    c.blocked("percent-encoded trailing dot after a dotless host", "http://2130706433%2e:{P}");
    c.blocked("ideographic full stops in an octal host", "http://0177\u30020\u30020\u30021:{P}");
    c.blocked("ideographic full stop after an octal dotless host", "http://017700000001\u3002:{P}");
    c.blocked("full-width digits, dotless", "http://\uff12\uff11\uff13\uff10\uff17\uff10\uff16\uff14\uff13\uff13:{P}");
    c.blocked("full-width digits and dots", "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{P}");

    c.group("User info and delimiters that hide the real host");
    c.blocked("allowed-looking user info before 127.0.0.1", "http://127.0.0.2:{P}@127.0.0.1:{P}");
    c.blocked("public name as user info", "http://example.com@127.0.0.1:{P}");
    c.blocked("user and password before an octal host", "http://user:pass@0177.0.0.1:{P}");
    c.blocked("fragment before an @", "http://127.0.0.1:{P}#@example.com/{ID}");
    c.blocked("query before an @", "http://127.0.0.1:{P}?@example.com/{ID}");

    c.group("IPv4 private, link-local, shared and reserved ranges");
    c.blocked("10/8", "http://10.0.0.1:{P}");
    c.blocked("10/8, last address", "http://10.255.255.254:{P}");
    c.blocked("10/8 in octal", "http://012.0.0.1:{P}");
    c.blocked("10/8 in hex, dotless", "http://0xa000001:{P}");
    c.blocked("10/8 in decimal, dotless", "http://167772161:{P}");
    c.blocked("10/8 in short form", "http://10.1:{P}");
    c.blocked("172.16/12", "http://172.16.0.1:{P}");
    c.blocked("172.16/12, last address", "http://172.31.255.254:{P}");
    c.blocked("172.16/12 in hex, dotless", "http://0xac100001:{P}");
    c.blocked("192.168/16", "http://192.168.0.1:{P}");
    c.blocked("192.168/16, last address", "http://192.168.255.254:{P}");
    c.blocked("192.168/16 in decimal, dotless", "http://3232235777:{P}");
    c.blocked("192.168/16 in short form a.b.c", "http://192.168.257:{P}");
    c.blocked("cloud metadata 169.254.169.254", "http://169.254.169.254/latest/meta-data/{ID}");
    c.blocked("metadata in hex, dotless", "http://0xa9fea9fe/{ID}");
    c.blocked("metadata in decimal, dotless", "http://2852039166/{ID}");
    c.blocked("metadata in octal", "http://0251.0376.0251.0376/{ID}");
    c.blocked("metadata in short form a.b.c", "http://169.254.43518/{ID}");
    c.blocked("metadata in hex per part", "http://0xA9.0xFE.0xA9.0xFE/{ID}");
    c.blocked("ECS task metadata 169.254.170.2", "http://169.254.170.2/v2/metadata/{ID}");
    c.blocked("169.254/16, first address", "http://169.254.0.1:{P}");
    c.blocked("CGNAT 100.64/10", "http://100.64.0.1:{P}");
    c.blocked("CGNAT 100.64/10, last address", "http://100.127.255.254:{P}");
    c.blocked("Alibaba metadata 100.100.100.200 (in 100.64/10)", "http://100.100.100.200/latest/meta-data/{ID}");
    c.blocked("0.0.0.0", "http://0.0.0.0:{P}");
    c.blocked("0 (dotless 0.0.0.0)", "http://0:{P}");
    c.blocked("0x0", "http://0x0:{P}");
    c.blocked("0/8", "http://0.1.2.3:{P}");
    c.blocked("limited broadcast", "http://255.255.255.255:{P}");
    c.blocked("broadcast, decimal dotless", "http://4294967295:{P}");
    c.blocked("broadcast, hex dotless", "http://0xffffffff:{P}");
    c.blocked("multicast 224/4", "http://224.0.0.1:{P}");
    c.blocked("multicast SSDP", "http://239.255.255.250:1900/{ID}");
    c.blocked("reserved 240/4", "http://240.0.0.1:{P}");
    c.blocked("benchmarking 198.18/15", "http://198.18.0.1:{P}");
    c.blocked("benchmarking 198.18/15, last address", "http://198.19.255.254:{P}");
    c.blocked("IETF protocol assignments 192.0.0/24", "http://192.0.0.8:{P}");
    c.blocked("TEST-NET-1", "http://192.0.2.1:{P}");
    c.blocked("TEST-NET-2", "http://198.51.100.1:{P}");
    c.blocked("TEST-NET-3", "http://203.0.113.1:{P}");
    c.blocked("6to4 relay anycast", "http://192.88.99.1:{P}");

    c.group("IPv6 forms");
    c.blocked("::1", "http://[::1]:{P}");
    c.blocked("::1 written out", "http://[0:0:0:0:0:0:0:1]:{P}");
    c.blocked("::1 with a zero-padded group", "http://[0000::1]:{P}");
    c.blocked(":: (unspecified)", "http://[::]:{P}");
    c.blocked("IPv4-mapped ::ffff:127.0.0.1", "http://[::ffff:127.0.0.1]:{P}");
    c.blocked("IPv4-mapped, written out", "http://[0:0:0:0:0:ffff:127.0.0.1]:{P}");
    c.blocked("IPv4-mapped in hex ::ffff:7f00:1", "http://[::ffff:7f00:1]:{P}");
    c.blocked("IPv4-mapped in hex, upper case, padded", "http://[::FFFF:7F00:0001]:{P}");
    c.blocked("IPv4-mapped metadata", "http://[::ffff:169.254.169.254]/{ID}");
    c.blocked("IPv4-mapped metadata in hex", "http://[::ffff:a9fe:a9fe]/{ID}");
    c.blocked("IPv4-mapped 10/8", "http://[::ffff:10.0.0.1]:{P}");
    c.blocked("IPv4-mapped 0.0.0.0", "http://[::ffff:0.0.0.0]:{P}");
    c.blocked("IPv4-compatible ::127.0.0.1", "http://[::127.0.0.1]:{P}");
    c.blocked("IPv4-compatible in hex ::7f00:1", "http://[::7f00:1]:{P}");
    c.blocked("IPv4-compatible metadata", "http://[::169.254.169.254]/{ID}");
    c.blocked("SIIT ::ffff:0:7f00:1", "http://[::ffff:0:7f00:1]:{P}");
    c.blocked("SIIT ::ffff:0:127.0.0.1", "http://[::ffff:0:127.0.0.1]:{P}");
    c.blocked("6to4 2002:7f00:1::", "http://[2002:7f00:1::]:{P}");
    c.blocked("6to4 with an interface id", "http://[2002:7f00:0001::1]:{P}");
    c.blocked("6to4 of the metadata address", "http://[2002:a9fe:a9fe::]/{ID}");
    c.blocked("NAT64 64:ff9b::7f00:1", "http://[64:ff9b::7f00:1]:{P}");
    c.blocked("NAT64 with a dotted tail", "http://[64:ff9b::127.0.0.1]:{P}");
    c.blocked("NAT64 of the metadata address", "http://[64:ff9b::a9fe:a9fe]/{ID}");
    c.blocked("local-use NAT64 64:ff9b:1::/48", "http://[64:ff9b:1::7f00:1]:{P}");
    c.blocked("local-use NAT64 with a subnet", "http://[64:ff9b:1:abcd::a9fe:a9fe]/{ID}");
    c.blocked("link-local fe80::/10", "http://[fe80::1]:{P}");
    c.blocked("link-local, end of fe80::/10", "http://[febf:ffff::1]:{P}");
    c.blocked("unique local fc00::/7", "http://[fc00::1]:{P}");
    c.blocked("AWS IMDS over IPv6 fd00:ec2::254", "http://[fd00:ec2::254]/latest/meta-data/{ID}");
    c.blocked("unique local, end of fc00::/7", "http://[fdff:ffff::1]:{P}");
    c.blocked("multicast ff02::1", "http://[ff02::1]:{P}");
    c.blocked("documentation 2001:db8::/32", "http://[2001:db8::1]:{P}");
    c.blocked("discard-only 100::/64", "http://[100::1]:{P}");
    c.blocked("Teredo 2001::/32", "http://[2001::1]:{P}");

    c.group("Refused before any lookup: zone ids, ambiguous and malformed hosts, other schemes");
    c.rejected("zone id %25lo", "http://[fe80::1%25lo]:{P}");
    c.rejected("zone id %25eth0", "http://[fe80::1%25eth0]:{P}");
    c.rejected("zone id on ::1", "http://[::1%25lo]:{P}");
    c.rejected("zone id with a bare %", "http://[fe80::1%lo]:{P}");
    c.rejected("octal IPv4 inside an IPv4-mapped address (Java: 177.0.0.1)", "http://[::ffff:0177.0.0.1]:{P}");
    c.rejected("octal IPv4 inside an IPv4-compatible address", "http://[::0177.0.0.1]:{P}");
    c.rejected("octal IPv4 inside a NAT64 address", "http://[64:ff9b::0177.0.0.1]:{P}");
    c.rejected("short IPv4 inside an IPv6 address", "http://[::ffff:127.1]:{P}");
    c.rejected("full-width octal (Java: 177)", "http://\uff10\uff11\uff17\uff17.0.0.1:{P}");
    c.rejected("Arabic-Indic digits", "http://\u0661\u0662\u0667.0.0.1:{P}");
    c.rejected("IPv4 part over 255 (Java: a name to look up)", "http://256.0.0.1:{P}");
    c.rejected("hex beyond 32 bits", "http://0x100000000:{P}");
    c.rejected("decimal beyond 32 bits", "http://4294967296:{P}");
    c.rejected("five parts", "http://127.0.0.1.5:{P}");
    c.rejected("invalid octal digit", "http://127.0.0.09:{P}");
    c.rejected("NUL in the host", "http://127.0.0.1%00:{P}");
    c.rejected("file:", "file:///etc/passwd?{ID}");
    c.rejected("gopher: to a local Redis", "gopher://127.0.0.1:6379/_INFO{ID}");
    c.rejected("ftp:", "ftp://127.0.0.1:{P}");
    c.rejected("dict:", "dict://127.0.0.1:11211/stat{ID}");
    c.rejected("ldap:", "ldap://127.0.0.1:389/{ID}");
    c.rejected("jar:", "jar:http://127.0.0.1:{P}/{ID}.jar!/");

    c.group("Names whose (stub) DNS answer is not public");
    c.blocked("localhost", "http://localhost:{P}");
    c.blocked("LOCALHOST. (case and root dot)", "http://LOCALHOST.:{P}");
    c.blocked("full-width localhost (IDNA)", "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54:{P}");
    c.blocked("percent-encoded localhost", "http://%6c%6f%63%61%6c%68%6f%73%74:{P}");
    c.blocked("ip6-localhost (::1)", "http://ip6-localhost:{P}");
    c.blocked("localtest.me (public name, answer 127.0.0.1)", "http://localtest.me:{P}");
    c.blocked("127.0.0.1.nip.io", "http://127.0.0.1.nip.io:{P}");
    c.blocked("169.254.169.254.nip.io", "http://169.254.169.254.nip.io/{ID}");
    c.blocked("metadata.google.internal", "http://metadata.google.internal/computeMetadata/v1/{ID}");
    c.blocked("instance-data.ec2.internal", "http://instance-data.ec2.internal/latest/{ID}");
    c.blocked("kubernetes.default.svc (10/8)", "http://kubernetes.default.svc/{ID}");
    c.blocked("fritz.box (192.168/16)", "http://fritz.box/{ID}");
    c.blocked("a corporate name (172.16/12)", "http://printer.corp.fetchbus.test/{ID}");
    c.blocked("a CGNAT answer", "http://cgnat.fetchbus.test/{ID}");
    c.blocked("an IPv4-mapped IPv6 answer kept as IPv6", "http://mapped.fetchbus.test:{P}");
    c.blocked("a NAT64 answer carrying the metadata address", "http://nat64.fetchbus.test/{ID}");
    c.blocked("a 6to4 answer carrying 10.0.0.1", "http://6to4.fetchbus.test/{ID}");
    c.blocked("an IPv4-compatible answer", "http://compat.fetchbus.test:{P}");
    c.blocked("a SIIT answer carrying the metadata address", "http://siit.fetchbus.test/{ID}");
    c.blocked("a link-local answer with a scope id", "http://scoped.fetchbus.test/{ID}");
    c.blocked("a unique-local answer", "http://ula.fetchbus.test/{ID}");
    c.blocked("unspecified answers 0.0.0.0 and ::", "http://unspecified.fetchbus.test:{P}");
    c.blocked("an mDNS multicast answer", "http://mdns.fetchbus.test/{ID}");
    c.blocked("a broadcast answer", "http://broadcast.fetchbus.test/{ID}");
    c.blocked("several answers: 10/8, loopback, ::1", "http://all-private.fetchbus.test:{P}");
    c.blocked("several answers: metadata over IPv4 and IPv6", "http://metadata-dual.fetchbus.test/{ID}");
    c.blocked("several answers: 192.168/16, 172.16/12, CGNAT", "http://lan-mix.fetchbus.test/{ID}");
    c.blocked("several answers: benchmarking, reserved, multicast", "http://reserved-mix.fetchbus.test/{ID}");
    c.blocked("several answers: mapped loopback, scoped link-local", "http://v6-forms.fetchbus.test:{P}");
    return c.vectors;
  }

  /** Vectors in the order written; {P} is the traps' port, {ID} (else a last path segment) makes each URL unique. */
  private static final class Catalogue {
    final List<Direct> vectors = new ArrayList<>();
    String group;

    void group(String name) {
      group = name;
    }

    void blocked(String name, String template) {
      add(name, template, Expect.BLOCKED);
    }

    void rejected(String name, String template) {
      add(name, template, Expect.REJECTED);
    }

    private void add(String name, String template, Expect expect) {
      String id = "v" + (vectors.size() + 1);
      String url = template.replace("{P}", String.valueOf(port));
      url = url.contains("{ID}") ? url.replace("{ID}", id) : url + "/" + id;
      vectors.add(new Direct(group, name, url, expect));
    }
  }

  @TestFactory
  @Order(1)
  @DisplayName("direct URLs (list job and GET /v1/fetch), on a node that allows no non-public network")
  Stream<DynamicNode> directVectors() {
    List<Direct> vectors = directCatalogue();
    Map<Direct, Verdict> verdicts = new LinkedHashMap<>();
    vectors.forEach(v -> verdicts.put(v, judge(v.url(), NOTHING_ALLOWED)));
    assertThat(verdicts.values().stream().map(Verdict::normalized).filter(u -> u != null))
        .as("every vector a URL of its own").doesNotHaveDuplicates();
    // only what the node's own code refuses in this JVM is ever sent to the node
    List<Direct> sendable = vectors.stream()
        .filter(v -> verdicts.get(v).refused() || verdicts.get(v).rejected() != null).toList();

    Map<String, JsonObject> records;
    Map<String, JsonObject> rejected;
    Map<Direct, ApiClient.Response> synchronous = new LinkedHashMap<>();
    int originHitsBefore = traps.hits("origin").size();
    try (TestNode node = TestNode.start(new JsonObject()
        .put("fetch", new JsonObject().put("allowNetworks", ""))
        .put("job", new JsonObject().put("rejectedSamples", 1000)))) {
      HostResolver.useLookup(node.vertx(), dns);
      ApiClient user = node.newUser("ssrf-direct");
      JsonObject created = user.submit(sendable.stream().map(Direct::url).toList(), null);
      for (Direct v : sendable) {
        synchronous.put(v, user.get("/v1/fetch?url=" + URLEncoder.encode(v.url(), StandardCharsets.UTF_8)));
      }
      user.awaitState(created.getLong("id"), "done", JOB_TIMEOUT);
      records = byUrl(user.get("/v1/jobs/" + created.getLong("id") + "/results").ndjson());
      rejected = created.getJsonArray("rejectedSamples").stream().map(JsonObject.class::cast)
          .collect(Collectors.toMap(s -> s.getString("input"), Function.identity(), (a, b) -> a));
    }
    List<Traps.Hit> allOriginHits = traps.hits("origin");
    List<Traps.Hit> originHits = allOriginHits.subList(originHitsBefore, allOriginHits.size());

    Map<String, List<DynamicNode>> groups = new LinkedHashMap<>();
    for (Direct v : vectors) {
      Verdict verdict = verdicts.get(v);
      VECTORS.add("direct: " + v.url());
      groups.computeIfAbsent(v.group(), g -> new ArrayList<>()).add(dynamicTest(v.name() + "  " + v.url(), () -> {
        assertRefusedInProcess(v.expect(), verdict, v.url());
        ApiClient.Response sync = synchronous.get(v);
        if (v.expect() == Expect.REJECTED) {
          assertThat(rejected).as("the list job rejects %s at ingest", v.url()).containsKey(v.url());
          assertThat(sync.status()).as("GET /v1/fetch answers %s", sync.body()).isEqualTo(422);
          assertThat(sync.json().getString("error")).isEqualTo("invalid");
        } else {
          JsonObject record = records.get(verdict.normalized());
          assertThat(record).as("a record for %s", verdict.normalized()).isNotNull();
          assertBlockedRecord(record);
          assertThat(record.getInteger("attempts")).as("blocked is final: one attempt").isEqualTo(1);
          assertThat(sync.status()).as("GET /v1/fetch answers %s", sync.body()).isEqualTo(200);
          assertBlockedRecord(sync.json());
          assertThat(traps.hitsOn(URI.create(verdict.normalized()).getRawPath())).as("requests that arrived").isEmpty();
        }
      }));
    }
    List<DynamicNode> nodes = new ArrayList<>();
    groups.forEach((group, tests) -> nodes.add(dynamicContainer(group, tests)));
    nodes.add(dynamicTest("no request reached a listening server, not even the origin on 127.0.0.2", () -> {
      assertThat(originHits).isEmpty();
      assertThat(traps.sinkHits()).isEmpty();
      assertThat(tripwire.refused()).as("connections and lookups the tripwire refused").isEmpty();
    }));
    return nodes.stream();
  }

  // ---------------------------------------------------------------------------------------------
  // Redirect hops, crawl link sources and DNS answers: a node that allows only 127.0.0.2/32

  /** A redirect from {@code /r/N} on the origin through each Location in turn; the last one must be refused. */
  private record Hop(String name, List<Integer> statuses, List<String> locations, Expect expect) {}

  private static List<Hop> hopCatalogue() {
    List<Hop> hops = new ArrayList<>();
    Function<String, String> p = s -> s.replace("{P}", String.valueOf(port));
    class H {
      void to(String name, int status, String location, Expect expect) {
        hops.add(new Hop(name, List.of(status), List.of(p.apply(location)), expect));
      }

      void chain(String name, List<Integer> statuses, List<String> locations) {
        hops.add(new Hop(name, statuses, locations.stream().map(p).toList(), Expect.BLOCKED));
      }
    }
    H h = new H();
    int n = 0;
    h.to("302 to 127.0.0.1", 302, "http://127.0.0.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("301 to localhost", 301, "http://localhost:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("303 to octal 0177.0.0.1", 303, "http://0177.0.0.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("307 to dotless decimal", 307, "http://2130706433:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("308 to hex short form", 308, "http://0x7f.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to short form 127.1", 302, "http://127.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to [::1]", 302, "http://[::1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to IPv4-mapped [::ffff:127.0.0.1]", 302, "http://[::ffff:127.0.0.1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to IPv4-mapped hex [::ffff:7f00:1]", 302, "http://[::ffff:7f00:1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to IPv4-compatible [::127.0.0.1]", 302, "http://[::127.0.0.1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to NAT64 [64:ff9b::7f00:1]", 302, "http://[64:ff9b::7f00:1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to 6to4 [2002:7f00:1::]", 302, "http://[2002:7f00:1::]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to cloud metadata credentials", 302,
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/t" + ++n, Expect.BLOCKED);
    h.to("302 to metadata.google.internal", 302, "http://metadata.google.internal/computeMetadata/v1/t" + ++n,
        Expect.BLOCKED);
    h.to("302 to AWS IMDS over IPv6", 302, "http://[fd00:ec2::254]/latest/meta-data/t" + ++n, Expect.BLOCKED);
    h.to("302 to 10/8", 302, "http://10.0.0.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to 192.168/16", 302, "http://192.168.0.1/t/" + ++n, Expect.BLOCKED);
    h.to("302 to 0.0.0.0", 302, "http://0.0.0.0:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to [::]", 302, "http://[::]:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to a protocol-relative //127.0.0.1", 302, "//127.0.0.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to allowed-looking user info before 127.0.0.1", 302, "http://127.0.0.2:{P}@127.0.0.1:{P}/t/" + ++n,
        Expect.BLOCKED);
    h.to("302 to a name that resolves to 127.0.0.1", 302, "http://internal.fetchbus.test:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to a name whose answers are loopback but not the allowed /32", 302,
        "http://loopback-others.fetchbus.test:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to upper-case HTTP://LOCALHOST", 302, "HTTP://LOCALHOST:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to a percent-encoded octal host", 302, "http://0177.0.0.%31:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to https on 127.0.0.1 (scheme change)", 302, "https://127.0.0.1:{P}/t/" + ++n, Expect.BLOCKED);
    h.to("302 to https on [::1] (scheme change)", 302, "https://[::1]:{P}/t/" + ++n, Expect.BLOCKED);
    h.chain("a chain of 3 same-origin hops, then 127.0.0.1", List.of(302, 302, 302, 302),
        List.of("/r/chain-a/1", "/r/chain-a/2", "/r/chain-a/3", "http://127.0.0.1:{P}/t/" + ++n));
    h.chain("through an allowed name, then [::1]", List.of(302, 302),
        List.of("http://allowed.fetchbus.test:{P}/r/chain-b/1", "http://[::1]:{P}/t/" + ++n));
    h.chain("301, 307, 308, then the metadata address", List.of(301, 307, 308),
        List.of("/r/chain-c/1", "/r/chain-c/2", "http://169.254.169.254/latest/user-data/t" + ++n));
    h.chain("a relative hop, then a protocol-relative one to a NAT64 address", List.of(302, 302),
        List.of("chain-d-next", "//[64:ff9b::a9fe:a9fe]/t" + ++n));
    h.to("302 to file:", 302, "file:///etc/passwd", Expect.BAD_URL);
    h.to("302 to file: on localhost", 302, "file://localhost/etc/shadow", Expect.BAD_URL);
    h.to("302 to ftp:", 302, "ftp://127.0.0.1:{P}/t/" + ++n, Expect.BAD_URL);
    h.to("302 to gopher: (Redis)", 302, "gopher://127.0.0.1:6379/_INFO%0d%0a", Expect.BAD_URL);
    h.to("302 to dict: (memcached)", 302, "dict://127.0.0.1:11211/stat", Expect.BAD_URL);
    h.to("302 to ldap:", 302, "ldap://127.0.0.1:389/dc=example,dc=com", Expect.BAD_URL);
    h.to("302 to jar:", 302, "jar:http://127.0.0.1:{P}/t" + ++n + ".jar!/", Expect.BAD_URL);
    h.to("302 to data:", 302, "data:text/plain;base64,SGVsbG8=", Expect.BAD_URL);
    h.to("302 to javascript:", 302, "javascript:alert(document.domain)", Expect.BAD_URL);
    h.to("302 to netdoc:", 302, "netdoc:///etc/passwd", Expect.BAD_URL);
    h.to("302 to ws:", 302, "ws://127.0.0.1:{P}/t/" + ++n, Expect.BAD_URL);
    h.to("302 to sftp:", 302, "sftp://127.0.0.1:22/etc/passwd", Expect.BAD_URL);
    h.to("302 to tftp:", 302, "tftp://127.0.0.1:69/pxelinux.cfg", Expect.BAD_URL);
    h.to("302 to a zone id", 302, "http://[fe80::1%25lo]:{P}/t/" + ++n, Expect.BAD_URL);
    h.to("302 to an IPv4 part over 255", 302, "http://256.0.0.1/t/" + ++n, Expect.BAD_URL);
    h.to("302 to octal IPv4 inside IPv6", 302, "http://[::ffff:0177.0.0.1]:{P}/t/" + ++n, Expect.BAD_URL);
    h.to("302 to backslashes", 302, "http:\\\\127.0.0.1:{P}\\t" + ++n, Expect.BAD_URL);
    return hops;
  }

  /** A reference a crawl finds, where it finds it, and the URL the node must then refuse. */
  private record Found(String source, String kind, String name, String snippet, String expected) {}

  private static final String LINK = "link";
  private static final String REQUISITE = "requisite";
  private static final String SITEMAP = "sitemap";
  private static final String CHILD_SITEMAP = "child sitemap";
  private static final String ENTRY = "sitemap entry";
  private static final String SEED = "seed";
  /** The crawl's seed pages on the origin. */
  private static final List<String> CRAWL_PAGES = List.of("/crawl/links.html", "/crawl/frames.html", "/crawl/base.html",
      "/crawl/base-octal.html", "/crawl/base-v6.html", "/crawl/base-name.html", "/crawl/refresh.html");
  /** The {@code <base href>} some of the crawl's pages declare. */
  private static final Map<String, String> BASES = Map.of(
      "/crawl/base.html", "http://127.0.0.1:{P}/based/",
      "/crawl/base-octal.html", "http://0x7f.1:{P}/octal-base/",
      "/crawl/base-v6.html", "//[::1]:{P}/v6-base/",
      "/crawl/base-name.html", "http://internal.fetchbus.test:{P}/name-base/");

  private static List<Found> crawlCatalogue() {
    List<Found> found = new ArrayList<>();
    String links = "/crawl/links.html";
    found.add(new Found(links, LINK, "a href", "<a href=\"http://127.0.0.1:{P}/c/a-href\">x</a>",
        "http://127.0.0.1:{P}/c/a-href"));
    found.add(new Found(links, LINK, "a href, octal host", "<a href=\"http://0177.0.0.1:{P}/c/a-octal\">x</a>",
        "http://127.0.0.1:{P}/c/a-octal"));
    found.add(new Found(links, LINK, "a href, dotless decimal host",
        "<a href=\"http://2130706433:{P}/c/a-decimal\">x</a>", "http://127.0.0.1:{P}/c/a-decimal"));
    found.add(new Found(links, LINK, "a href, protocol-relative",
        "<a href=\"//127.0.0.1:{P}/c/a-protocol-relative\">x</a>",
        "http://127.0.0.1:{P}/c/a-protocol-relative"));
    found.add(new Found(links, LINK, "a href, localhost", "<a href=\"http://localhost:{P}/c/a-localhost\">x</a>",
        "http://localhost:{P}/c/a-localhost"));
    found.add(new Found(links, LINK, "a href, [::1]", "<a href=\"http://[::1]:{P}/c/a-ipv6\">x</a>",
        "http://[::1]:{P}/c/a-ipv6"));
    found.add(new Found(links, LINK, "a href, a name resolving to loopback",
        "<a href=\"http://internal.fetchbus.test:{P}/c/a-name\">x</a>", "http://internal.fetchbus.test:{P}/c/a-name"));
    found.add(new Found(links, LINK, "area href, metadata", "<map><area href=\"http://169.254.169.254/c/area\"></map>",
        "http://169.254.169.254/c/area"));
    found.add(new Found(links, LINK, "iframe src", "<iframe src=\"http://127.0.0.1:{P}/c/iframe\"></iframe>",
        "http://127.0.0.1:{P}/c/iframe"));
    found.add(new Found(links, LINK, "link rel=canonical, 10/8",
        "<link rel=\"canonical\" href=\"http://10.0.0.1/c/canonical\">",
        "http://10.0.0.1/c/canonical"));
    found.add(new Found(links, LINK, "meta refresh, metadata name",
        "<meta http-equiv=\"refresh\" content=\"0; url=http://metadata.google.internal/c/refresh\">",
        "http://metadata.google.internal/c/refresh"));
    found.add(new Found(links, REQUISITE, "img src", "<img src=\"http://127.0.0.1:{P}/c/img.png\">",
        "http://127.0.0.1:{P}/c/img.png"));
    found.add(new Found(links, REQUISITE, "img srcset, CGNAT", "<img srcset=\"http://100.64.0.1/c/srcset.png 2x\">",
        "http://100.64.0.1/c/srcset.png"));
    found.add(new Found(links, REQUISITE, "script src, IPv4-mapped",
        "<script src=\"http://[::ffff:127.0.0.1]:{P}/c/script.js\"></script>",
        "http://[::ffff:127.0.0.1]:{P}/c/script.js"));
    found.add(new Found(links, REQUISITE, "link rel=stylesheet, 192.168/16",
        "<link rel=\"stylesheet\" href=\"http://192.168.0.1/c/style.css\">", "http://192.168.0.1/c/style.css"));
    found.add(new Found(links, REQUISITE, "link rel=icon, dotless hex metadata",
        "<link rel=\"icon\" href=\"http://0xa9fea9fe/c/icon.ico\">", "http://169.254.169.254/c/icon.ico"));
    found.add(new Found(links, REQUISITE, "video poster, unique local",
        "<video poster=\"http://[fd00::1]/c/poster.jpg\"></video>",
        "http://[fd00::1]/c/poster.jpg"));
    found.add(new Found(links, REQUISITE, "object data, octal 10/8",
        "<object data=\"http://012.0.0.1/c/object\"></object>",
        "http://10.0.0.1/c/object"));
    found.add(new Found(links, REQUISITE, "embed src, localhost", "<embed src=\"http://localhost:{P}/c/embed\">",
        "http://localhost:{P}/c/embed"));
    found.add(new Found(links, REQUISITE, "input type=image, [::]",
        "<input type=\"image\" src=\"http://[::]:{P}/c/input.png\">",
        "http://[::]:{P}/c/input.png"));
    found.add(new Found(links, REQUISITE, "audio src, 0.0.0.0",
        "<audio src=\"http://0.0.0.0:{P}/c/audio.ogg\"></audio>",
        "http://0.0.0.0:{P}/c/audio.ogg"));

    // a frame counts only inside a frameset (browsers drop it elsewhere, and so does the scanner)
    found.add(new Found("/crawl/frames.html", LINK, "frame src in a frameset, IPv4-mapped hex",
        "<frame src=\"http://[::ffff:7f00:1]:{P}/c/frame\">",
        "http://[::ffff:7f00:1]:{P}/c/frame"));
    found.add(new Found("/crawl/frames.html", LINK, "frame src in a frameset, a cluster-internal name",
        "<frame src=\"http://kubernetes.default.svc/c/frame\">", "http://kubernetes.default.svc/c/frame"));

    String base = "/crawl/base.html";
    found.add(new Found(base, LINK, "<base href> 127.0.0.1, relative link", "<a href=\"relative-page\">x</a>",
        "http://127.0.0.1:{P}/based/relative-page"));
    found.add(new Found(base, LINK, "<base href> 127.0.0.1, root-relative link", "<a href=\"/root-relative\">x</a>",
        "http://127.0.0.1:{P}/root-relative"));
    found.add(new Found(base, LINK, "<base href> 127.0.0.1, query-only link", "<a href=\"?query-only\">x</a>",
        "http://127.0.0.1:{P}/based/?query-only"));
    found.add(new Found(base, REQUISITE, "<base href> 127.0.0.1, relative img", "<img src=\"based-img.png\">",
        "http://127.0.0.1:{P}/based/based-img.png"));
    found.add(new Found("/crawl/base-octal.html", LINK, "<base href> in hex short form, relative link",
        "<a href=\"page\">x</a>", "http://127.0.0.1:{P}/octal-base/page"));
    found.add(new Found("/crawl/base-v6.html", LINK, "protocol-relative <base href> [::1], relative link",
        "<a href=\"page\">x</a>", "http://[::1]:{P}/v6-base/page"));
    found.add(new Found("/crawl/base-name.html", LINK, "<base href> on a name resolving to loopback",
        "<a href=\"page\">x</a>", "http://internal.fetchbus.test:{P}/name-base/page"));
    found.add(new Found("/crawl/refresh.html", LINK, "meta refresh with a quoted URL, IPv4-mapped metadata",
        "<meta http-equiv=\"refresh\" content=\"5;URL='http://[::ffff:169.254.169.254]/latest/meta-data/'\">",
        "http://[::ffff:169.254.169.254]/latest/meta-data/"));

    String robots = "/robots.txt";
    found.add(new Found(robots, SITEMAP, "Sitemap: line, 127.0.0.1", "Sitemap: http://127.0.0.1:{P}/robots-sitemap.xml",
        "http://127.0.0.1:{P}/robots-sitemap.xml"));
    found.add(new Found(robots, SITEMAP, "Sitemap: line, [::1]", "Sitemap: http://[::1]:{P}/robots-sitemap-v6.xml",
        "http://[::1]:{P}/robots-sitemap-v6.xml"));
    found.add(new Found(robots, SITEMAP, "Sitemap: line, metadata name",
        "Sitemap: http://metadata.google.internal/robots-sitemap.xml",
        "http://metadata.google.internal/robots-sitemap.xml"));
    found.add(new Found(robots, SITEMAP, "Sitemap: line, dotless hex",
        "Sitemap: http://0x7f000001:{P}/robots-sitemap-hex.xml",
        "http://127.0.0.1:{P}/robots-sitemap-hex.xml"));

    String index = "/sitemaps/index.xml";
    found.add(new Found(index, CHILD_SITEMAP, "child sitemap, 127.0.0.1",
        "<sitemap><loc>http://127.0.0.1:{P}/sitemaps/child.xml</loc></sitemap>",
        "http://127.0.0.1:{P}/sitemaps/child.xml"));
    found.add(new Found(index, CHILD_SITEMAP, "child sitemap, [::1]",
        "<sitemap><loc>http://[::1]:{P}/sitemaps/child-v6.xml</loc></sitemap>",
        "http://[::1]:{P}/sitemaps/child-v6.xml"));

    String pages = "/sitemaps/pages.xml";
    found.add(new Found(pages, ENTRY, "sitemap <loc>, 127.0.0.1", "<url><loc>http://127.0.0.1:{P}/s/page</loc></url>",
        "http://127.0.0.1:{P}/s/page"));
    found.add(new Found(pages, ENTRY, "sitemap <loc>, hex short form", "<url><loc>http://0x7f.1:{P}/s/hex</loc></url>",
        "http://127.0.0.1:{P}/s/hex"));
    found.add(new Found(pages, ENTRY, "sitemap <loc>, [::1]", "<url><loc>http://[::1]:{P}/s/ipv6</loc></url>",
        "http://[::1]:{P}/s/ipv6"));
    found.add(new Found(pages, ENTRY, "sitemap <loc>, metadata",
        "<url><loc>http://169.254.169.254/s/metadata</loc></url>",
        "http://169.254.169.254/s/metadata"));
    found.add(new Found(pages, ENTRY, "sitemap <loc>, a name resolving to loopback",
        "<url><loc>http://internal.fetchbus.test:{P}/s/name</loc></url>", "http://internal.fetchbus.test:{P}/s/name"));
    found.add(new Found("/sitemaps/text.txt", ENTRY, "text sitemap line, IPv4-mapped hex",
        "http://[::ffff:7f00:1]:{P}/s/text-entry", "http://[::ffff:7f00:1]:{P}/s/text-entry"));

    found.add(new Found("sitemapSeeds", SITEMAP, "a sitemap seed on 127.0.0.1", "http://127.0.0.1:{P}/seed-sitemap.xml",
        "http://127.0.0.1:{P}/seed-sitemap.xml"));
    found.add(new Found("seeds", SEED, "a seed on 127.0.0.1", "http://127.0.0.1:{P}/crawl-seed",
        "http://127.0.0.1:{P}/crawl-seed"));
    found.add(new Found("seeds", SEED, "a seed on localhost", "http://localhost:{P}/crawl-seed-name",
        "http://localhost:{P}/crawl-seed-name"));
    return found.stream()
        .map(f -> new Found(f.source(), f.kind(), f.name(), withPort(f.snippet()), withPort(f.expected())))
        .toList();
  }

  @TestFactory
  @Order(2)
  @DisplayName("redirect hops, crawl link sources and DNS answers, on a node that allows only 127.0.0.2/32")
  Stream<DynamicNode> hopVectors() {
    String origin = "http://" + ALLOWED + ":" + port;
    // -- redirects: plant each chain on the origin, after judging every hop in this JVM
    List<Hop> hops = hopCatalogue();
    Map<Hop, HopPlan> plans = new LinkedHashMap<>();
    for (int i = 0; i < hops.size(); i++) {
      plans.put(hops.get(i), planHop(origin + "/r/" + (i + 1), hops.get(i)));
    }
    plans.forEach((hop, plan) -> {
      if (plan.problem() == null) {
        for (int i = 0; i < hop.locations().size(); i++) {
          traps.redirect(plan.routes().get(i), hop.statuses().get(Math.min(i, hop.statuses().size() - 1)),
              hop.locations().get(i));
        }
      }
    });

    // -- crawl: pages, robots.txt and sitemaps made of the references the node must refuse
    List<Found> crawl = crawlCatalogue();
    Map<Found, Verdict> crawlVerdicts = new LinkedHashMap<>();
    crawl.forEach(f -> crawlVerdicts.put(f, judge(f.expected(), ONLY_ORIGIN)));
    assertThat(crawl.stream().map(Found::expected)).as("every reference a URL of its own").doesNotHaveDuplicates();
    List<Found> planted = crawl.stream().filter(f -> crawlVerdicts.get(f).refused()).toList();
    plantCrawl(origin, planted);

    // -- DNS rebinding: the origin switches the name to 127.0.0.1, then answers after the node's DNS cache expired
    traps.route("/rebind/redirect", rebind("rebind-redirect.fetchbus.test",
        req -> req.response().setStatusCode(302).putHeader("Location", "/rebind/redirect-target").end()));
    traps.robots("rebind-robots.fetchbus.test:" + port, rebind("rebind-robots.fetchbus.test",
        req -> req.response().setStatusCode(404).end()));
    traps.route("/rebind/crawl-seed", rebind("rebind-crawl.fetchbus.test", req -> req.response()
        .putHeader("Content-Type", "text/html")
        .end("<html><body><a href=\"/rebind/crawl-next\">next</a></body></html>")));
    traps.route("/rebind/sync-redirect", rebind("rebind-sync.fetchbus.test",
        req -> req.response().setStatusCode(302).putHeader("Location", "/rebind/sync-target").end()));
    String rebindRedirect = "http://rebind-redirect.fetchbus.test:" + port + "/rebind/redirect";
    String rebindRobots = "http://rebind-robots.fetchbus.test:" + port + "/rebind/robots-page";
    String rebindCrawlSeed = "http://rebind-crawl.fetchbus.test:" + port + "/rebind/crawl-seed";
    String rebindCrawlNext = "http://rebind-crawl.fetchbus.test:" + port + "/rebind/crawl-next";
    String rebindSync = "http://rebind-sync.fetchbus.test:" + port + "/rebind/sync-redirect";
    String loopbackOthers = "http://loopback-others.fetchbus.test:" + port + "/dns/loopback-others";
    String loopbackV6 = "http://loopback-v6-forms.fetchbus.test:" + port + "/dns/loopback-v6-forms";
    Verdict othersVerdict = judge(loopbackOthers, ONLY_ORIGIN);
    Verdict v6Verdict = judge(loopbackV6, ONLY_ORIGIN);

    // -- checks that are not refusals: the allowed origin works, a mixed answer uses only its allowed address,
    //    a robots.txt redirected to a blocked address is not followed
    traps.page("/extra/control", "text/html", "<html><title>control</title></html>");
    traps.page("/extra/mixed", "text/html", "<html><title>mixed</title></html>");
    traps.page("/extra/robots-redirect", "text/html", "<html><title>robots redirect</title></html>");
    traps.robots("robots-redirect.fetchbus.test:" + port, req -> req.response().setStatusCode(302)
        .putHeader("Location", "http://127.0.0.1:" + port + "/robots.txt").end());
    String control = origin + "/extra/control";
    String mixed = "http://mixed.fetchbus.test:" + port + "/extra/mixed";
    String robotsRedirect = "http://robots-redirect.fetchbus.test:" + port + "/extra/robots-redirect";

    List<String> listUrls = new ArrayList<>();
    plans.forEach((hop, plan) -> {
      if (plan.problem() == null) {
        listUrls.add(plan.start());
      }
    });
    listUrls.addAll(List.of(rebindRedirect, rebindRobots, control, mixed, robotsRedirect));
    if (othersVerdict.refused()) {
      listUrls.add(loopbackOthers);
    }
    if (v6Verdict.refused()) {
      listUrls.add(loopbackV6);
    }

    Map<String, JsonObject> listRecords;
    Map<String, JsonObject> crawlRecords;
    Map<String, JsonObject> rebindCrawlRecords;
    Map<Hop, ApiClient.Response> synchronous = new LinkedHashMap<>();
    ApiClient.Response rebindSyncAnswer;
    int dnsLookupsBefore = dns.lookups("rebind-sync.fetchbus.test");
    try (TestNode node = TestNode.start(new JsonObject()
        .put("fetch", new JsonObject().put("allowNetworks", ALLOWED + "/32"))
        .put("dns", new JsonObject().put("ttlSeconds", 1)))) {
      HostResolver.useLookup(node.vertx(), dns);
      ApiClient user = node.newUser("ssrf-hops");
      long listJob = user.submit(listUrls, null).getLong("id");
      long crawlJob = createCrawl(user, crawlRequest(origin, planted));
      long rebindCrawlJob = createCrawl(user, new JsonObject().put("kind", "crawl")
          .put("seeds", new JsonArray().add(rebindCrawlSeed)).put("limits", new JsonObject().put("maxDepth", 1)));
      plans.forEach((hop, plan) -> {
        if (plan.problem() == null) {
          synchronous.put(hop, user.get("/v1/fetch?url=" + URLEncoder.encode(plan.start(), StandardCharsets.UTF_8)));
        }
      });
      rebindSyncAnswer = user.get("/v1/fetch?url=" + URLEncoder.encode(rebindSync, StandardCharsets.UTF_8));
      user.awaitState(listJob, "done", JOB_TIMEOUT);
      user.awaitState(crawlJob, "done", JOB_TIMEOUT);
      user.awaitState(rebindCrawlJob, "done", JOB_TIMEOUT);
      listRecords = byUrl(user.get("/v1/jobs/" + listJob + "/results").ndjson());
      crawlRecords = byUrl(user.get("/v1/jobs/" + crawlJob + "/results").ndjson());
      rebindCrawlRecords = byUrl(user.get("/v1/jobs/" + rebindCrawlJob + "/results").ndjson());
    }

    List<DynamicNode> nodes = new ArrayList<>();
    // -- redirects
    List<DynamicNode> hopTests = new ArrayList<>();
    plans.forEach((hop, plan) -> {
      VECTORS.add("redirect: " + hop.name());
      hopTests.add(dynamicTest(hop.name() + "  -> " + hop.locations().get(hop.locations().size() - 1), () -> {
        assertThat(plan.problem()).as("judged in this JVM (so never sent to the node)").isNull();
        JsonObject record = listRecords.get(plan.start());
        assertThat(record).as("a record for %s", plan.start()).isNotNull();
        for (JsonObject answer : List.of(record, synchronous.get(hop).json())) {
          assertThat(answer.getJsonObject("error")).as("%s", answer).isNotNull();
          assertThat(answer.getJsonObject("error").getString("code")).as("%s", answer)
              .isEqualTo(plan.expect() == Expect.BAD_URL ? "bad_url" : "blocked");
          assertThat(answer.getInteger("status")).as("no status: nothing came back from the target").isNull();
          if (plan.expect() == Expect.BLOCKED) {
            assertThat(answer.getJsonObject("error").getString("message")).as("refused at the last hop")
                .startsWith(plan.refusedHost() + " resolves to");
          } else {
            assertThat(answer.getJsonObject("error").getString("message")).startsWith("redirect to");
          }
        }
        for (String route : plan.routes()) {
          assertThat(traps.originHits(route)).as("the origin served hop %s, to the job and to GET /v1/fetch", route)
              .isGreaterThanOrEqualTo(2);
        }
        if (plan.targetPath() != null) {
          assertThat(traps.sinkHitsOn(plan.targetPath())).as("requests that arrived at a sink").isEmpty();
        }
      }));
    });
    nodes.add(dynamicContainer("Redirect hops from the allowed origin (list job and GET /v1/fetch)", hopTests));

    // -- crawl
    List<DynamicNode> crawlTests = new ArrayList<>();
    for (Found f : crawl) {
      VECTORS.add("crawl: " + f.source() + " " + f.name());
      Verdict verdict = crawlVerdicts.get(f);
      crawlTests.add(dynamicTest(f.kind() + " in " + f.source() + ": " + f.name() + "  " + f.expected(), () -> {
        assertRefusedInProcess(Expect.BLOCKED, verdict, f.expected());
        JsonObject record = crawlRecords.get(verdict.normalized());
        assertThat(record).as("a record for %s", verdict.normalized()).isNotNull();
        assertBlockedRecord(record);
        assertThat(traps.sinkHitsOn(URI.create(verdict.normalized()).getRawPath())).as("requests that arrived")
            .isEmpty();
      }));
    }
    crawlTests.add(dynamicTest("(not a vector) the crawl read every source it was given, and recorded nothing else",
        () -> {
          Set<String> sources =
              planted.stream().map(Found::source).filter(s -> s.startsWith("/")).collect(Collectors.toSet());
          for (String source : sources) {
            assertThat(traps.originHits(source)).as("the origin served %s", source).isGreaterThanOrEqualTo(1);
          }
          Set<String> refused =
              planted.stream().map(f -> crawlVerdicts.get(f).normalized()).collect(Collectors.toSet());
          for (JsonObject record : crawlRecords.values()) {
            if (!refused.contains(record.getString("url"))) {
              assertThat(record.getString("url")).as("record %s", record).startsWith(origin + "/");
              assertThat(record.getInteger("status")).as("record %s", record).isEqualTo(200);
            }
          }
        }));
    nodes.add(dynamicContainer("Crawl link sources (a crawl job from the allowed origin)", crawlTests));

    // -- DNS answers
    List<DynamicNode> dnsTests = new ArrayList<>();
    VECTORS.add("dns: rebinding between a page and its redirect");
    dnsTests.add(dynamicTest("rebinding: the page came from the allowed address, its redirect's new answer is refused",
        () -> assertRebound(listRecords.get(rebindRedirect), "rebind-redirect.fetchbus.test", "/rebind/redirect",
            "/rebind/redirect-target")));
    VECTORS.add("dns: rebinding between robots.txt and the page");
    dnsTests.add(dynamicTest("rebinding: robots.txt came from the allowed address, the page's new answer is refused",
        () -> assertRebound(listRecords.get(rebindRobots), "rebind-robots.fetchbus.test", "/robots.txt",
            "/rebind/robots-page")));
    VECTORS.add("dns: rebinding between a crawled page and its link");
    dnsTests.add(
        dynamicTest("rebinding: a crawled page came from the allowed address, its link's new answer is refused", () -> {
          assertThat(rebindCrawlRecords.get(rebindCrawlSeed).getInteger("status")).isEqualTo(200);
          assertRebound(rebindCrawlRecords.get(rebindCrawlNext), "rebind-crawl.fetchbus.test", "/rebind/crawl-seed",
              "/rebind/crawl-next");
        }));
    VECTORS.add("dns: rebinding between a page and its redirect, GET /v1/fetch");
    dnsTests.add(dynamicTest("rebinding through GET /v1/fetch: the redirect's new answer is refused", () -> {
      assertThat(rebindSyncAnswer.status()).isEqualTo(200);
      assertRebound(rebindSyncAnswer.json(), "rebind-sync.fetchbus.test", "/rebind/sync-redirect",
          "/rebind/sync-target");
      assertThat(dns.lookups("rebind-sync.fetchbus.test") - dnsLookupsBefore).isGreaterThanOrEqualTo(2);
    }));
    VECTORS.add("dns: several loopback answers, none the allowed /32");
    dnsTests.add(dynamicTest("several answers, all loopback (127.0.0.1, ::1, 127.0.0.3) but none the allowed /32",
        () -> {
          assertRefusedInProcess(Expect.BLOCKED, othersVerdict, loopbackOthers);
          assertBlockedRecord(listRecords.get(loopbackOthers));
          assertThat(traps.sinkHitsOn("/dns/loopback-others")).isEmpty();
        }));
    VECTORS.add("dns: several IPv6 answers carrying 127.0.0.1");
    dnsTests.add(dynamicTest("several answers, IPv6 forms carrying 127.0.0.1 (mapped, compatible, NAT64, 6to4)", () -> {
      assertRefusedInProcess(Expect.BLOCKED, v6Verdict, loopbackV6);
      assertBlockedRecord(listRecords.get(loopbackV6));
      assertThat(traps.sinkHitsOn("/dns/loopback-v6-forms")).isEmpty();
    }));
    nodes.add(dynamicContainer("DNS answers (stub resolver, rebinding)", dnsTests));

    nodes.add(dynamicContainer("Not refusals, but what must hold around them", List.of(
        dynamicTest("the allowed origin itself is fetched (the refusals above are the guard's, not a dead node)",
            () -> {
          assertThat(listRecords.get(control).getJsonObject("error")).isNull();
          assertThat(listRecords.get(control).getInteger("status")).isEqualTo(200);
        }),
        dynamicTest("a name answering 127.0.0.1 and 127.0.0.2 is fetched from 127.0.0.2 only", () -> {
          assertThat(listRecords.get(mixed).getInteger("status")).isEqualTo(200);
          assertThat(traps.hits("origin")).anyMatch(h -> h.path().equals("/extra/mixed")
              && h.host().equals("mixed.fetchbus.test:" + port));
          assertThat(traps.sinkHitsOn("/extra/mixed")).isEmpty();
        }),
        dynamicTest("a robots.txt redirected to 127.0.0.1 is not followed there", () -> {
          assertThat(listRecords.get(robotsRedirect).getInteger("status")).isEqualTo(200);
          assertThat(traps.sinkHitsOn("/robots.txt")).isEmpty();
        }),
        dynamicTest("no sink ever saw a request, and the tripwire refused nothing", () -> {
          assertThat(traps.sinkHits()).isEmpty();
          assertThat(tripwire.refused()).as("connections and lookups the tripwire refused").isEmpty();
        }))));
    return nodes.stream();
  }

  @Test
  @Order(3)
  @DisplayName("the catalogue holds at least 80 vectors; no sink saw a request and no unplanted name was looked up")
  void catalogueSize() {
    System.out.println("SSRF catalogue: " + VECTORS.size() + " vectors (loopback-only tripwire: "
        + (tripwire.active() ? "on" : "unavailable on this JVM, in-process judging only") + ")");
    assertThat(VECTORS.size()).isGreaterThanOrEqualTo(80);
    assertThat(traps.sinkHits()).isEmpty();
    assertThat(tripwire.refused()).as("connections and lookups the tripwire refused").isEmpty();
    assertThat(dns.unknownNames()).as("names the nodes asked for that the test never planted").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Judging in this JVM, with the node's own classes

  /**
   * How the node reads {@code url} and what it would connect to: the normaliser, the resolver (with
   * the same stub DNS, literals parsed as the node parses them) and the guard with {@code allow}.
   * {@code permitted} is null when the guard refuses.
   */
  private record Verdict(String normalized, String rejected, List<InetAddress> resolved, InetAddress permitted,
      String failure) {
    boolean refused() {
      return rejected == null && failure == null && permitted == null;
    }

    @Override
    public String toString() {
      return rejected != null ? "rejected (" + rejected + ")" : failure != null ? failure
          : permitted != null ? normalized + " would connect to " + permitted.getHostAddress()
          : normalized + " refused: resolves to " + resolved;
    }
  }

  private static Verdict judge(String url, List<String> allow) {
    UrlNormalizer.Result result = UrlNormalizer.normalize(url);
    if (result instanceof UrlNormalizer.Rejected rejected) {
      return new Verdict(null, rejected.reason(), List.of(), null, null);
    }
    String normalized = ((UrlNormalizer.Accepted) result).url();
    String host = URI.create(normalized).getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses;
    try {
      addresses = TestNode.await(checker.resolve(bare));
    } catch (IllegalStateException e) {
      return new Verdict(normalized, null, List.of(), null, normalized + " does not resolve: " + e.getCause());
    }
    try {
      return new Verdict(normalized, null, addresses, new NetworkGuard(allow).choose(bare, addresses), null);
    } catch (FetchFailure failure) {
      if (failure.type() != FetchError.BLOCKED) {
        throw failure;
      }
      return new Verdict(normalized, null, addresses, null, null);
    }
  }

  private static void assertRefusedInProcess(Expect expect, Verdict verdict, String url) {
    if (expect == Expect.REJECTED) {
      assertThat(verdict.rejected()).as("%s is rejected before any lookup; it was %s", url, verdict).isNotNull();
    } else {
      assertThat(verdict.refused()).as("the guard refuses %s before any connect; it was %s (so it was not sent to the"
          + " node)", url, verdict).isTrue();
    }
  }

  /** A redirect vector as planted: its start, the origin path of each hop, and what the last hop must come to. */
  private record HopPlan(String start, List<String> routes, Expect expect, String refusedHost, String targetPath,
      String problem) {}

  /** Follows the chain as {@code HttpFetcher} does (URI resolution, normalisation), judging every hop. */
  private static HopPlan planHop(String start, Hop hop) {
    List<String> routes = new ArrayList<>();
    routes.add(URI.create(start).getRawPath());
    String from = start;
    for (int i = 0; i < hop.locations().size(); i++) {
      boolean last = i == hop.locations().size() - 1;
      String target;
      try {
        target = URI.create(from).resolve(hop.locations().get(i).strip()).toString();
      } catch (IllegalArgumentException e) {
        return last ? badUrl(start, routes, hop) : problem(start, routes, "hop " + i + " is malformed: " + e);
      }
      UrlNormalizer.Result next = UrlNormalizer.normalize(target);
      if (next instanceof UrlNormalizer.Rejected) {
        return last ? badUrl(start, routes, hop) : problem(start, routes, "hop " + i + " is rejected");
      }
      Verdict verdict = judge(target, ONLY_ORIGIN);
      if (!last) {
        if (verdict.permitted() == null || !verdict.permitted().getHostAddress().equals(ALLOWED)) {
          return problem(start, routes, "hop " + i + " should reach the allowed origin: " + verdict);
        }
        routes.add(URI.create(verdict.normalized()).getRawPath());
        from = verdict.normalized();
        continue;
      }
      if (hop.expect() != Expect.BLOCKED || !verdict.refused()) {
        return problem(start, routes, "the last hop should be refused by the guard, expected " + hop.expect() + ": "
            + verdict);
      }
      String host = URI.create(verdict.normalized()).getHost();
      return new HopPlan(start, routes, Expect.BLOCKED,
          host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
          URI.create(verdict.normalized()).getRawPath(), null);
    }
    throw new IllegalStateException("a hop without locations: " + hop);
  }

  private static HopPlan badUrl(String start, List<String> routes, Hop hop) {
    return hop.expect() == Expect.BAD_URL ? new HopPlan(start, routes, Expect.BAD_URL, null, null, null)
        : problem(start, routes, "the last hop is not a fetchable URL, expected " + hop.expect());
  }

  private static HopPlan problem(String start, List<String> routes, String problem) {
    return new HopPlan(start, routes, null, null, null, problem);
  }

  // ---------------------------------------------------------------------------------------------
  // The crawl's sources and job

  private static void plantCrawl(String origin, List<Found> planted) {
    Map<String, List<Found>> bySource = planted.stream()
        .collect(Collectors.groupingBy(Found::source, LinkedHashMap::new, Collectors.toList()));
    for (String page : CRAWL_PAGES) {
      StringBuilder head = new StringBuilder();
      StringBuilder body = new StringBuilder();
      if (BASES.containsKey(page)) {
        head.append("<base href=\"").append(withPort(BASES.get(page))).append("\">");
      }
      for (Found f : bySource.getOrDefault(page, List.of())) {
        (f.snippet().startsWith("<meta") || f.snippet().startsWith("<link") ? head : body).append(f.snippet())
            .append('\n');
      }
      String content = page.equals("/crawl/frames.html") ? "<frameset cols=\"50%,50%\">" + body + "</frameset>"
          : "<body>" + body + "</body>";
      traps.page(page, "text/html; charset=utf-8",
          "<!doctype html><html><head><title>" + page + "</title>" + head + "</head>" + content + "</html>");
    }
    StringBuilder robots = new StringBuilder("User-agent: *\nAllow: /\n");
    bySource.getOrDefault("/robots.txt", List.of()).forEach(f -> robots.append(f.snippet()).append('\n'));
    robots.append("Sitemap: ").append(origin).append("/sitemaps/index.xml\n");
    traps.robots(ALLOWED + ":" + port,
        req -> req.response().putHeader("Content-Type", "text/plain").end(robots.toString()));
    StringBuilder index = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        + "<sitemap><loc>" + origin + "/sitemaps/pages.xml</loc></sitemap>\n");
    bySource.getOrDefault("/sitemaps/index.xml", List.of()).forEach(f -> index.append(f.snippet()).append('\n'));
    traps.page("/sitemaps/index.xml", "application/xml", index.append("</sitemapindex>\n").toString());
    StringBuilder pages = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    bySource.getOrDefault("/sitemaps/pages.xml", List.of()).forEach(f -> pages.append(f.snippet()).append('\n'));
    traps.page("/sitemaps/pages.xml", "application/xml", pages.append("</urlset>\n").toString());
    StringBuilder text = new StringBuilder();
    bySource.getOrDefault("/sitemaps/text.txt", List.of()).forEach(f -> text.append(f.snippet()).append('\n'));
    traps.page("/sitemaps/text.txt", "text/plain", text.toString());
  }

  /**
   * Seeds the pages and the blocked seeds; sitemaps on (robots.txt Sitemap lines), a text sitemap and the
   * blocked sitemap seeds; requisites on (fetched wherever they are); scope: prefixes that take in
   * every refused link and sitemap entry, so that the guard, not the scope, is what refuses them.
   */
  private static JsonObject crawlRequest(String origin, List<Found> planted) {
    JsonArray seeds = new JsonArray();
    CRAWL_PAGES.forEach(page -> seeds.add(origin + page));
    JsonArray sitemapSeeds = new JsonArray().add(origin + "/sitemaps/text.txt");
    Set<String> prefixes = new LinkedHashSet<>();
    prefixes.add(origin + "/crawl/");
    for (Found f : planted) {
      switch (f.kind()) {
        case SEED -> seeds.add(f.snippet());
        case SITEMAP -> {
          if (f.source().equals("sitemapSeeds")) {
            sitemapSeeds.add(f.snippet());
          }
        }
        case LINK, ENTRY, CHILD_SITEMAP -> prefixes.add(UrlNormalizer.origin(f.expected()) + "/");
        default -> { }
      }
    }
    return new JsonObject().put("kind", "crawl").put("seeds", seeds).put("sitemapSeeds", sitemapSeeds)
        .put("sitemaps", true).put("requisites", true)
        .put("scope", new JsonObject().put("mode", "prefix").put("prefixes", new JsonArray(List.copyOf(prefixes))))
        .put("limits", new JsonObject().put("maxDepth", 2).put("maxDurationSeconds", 110));
  }

  private static long createCrawl(ApiClient user, JsonObject request) {
    ApiClient.Response created = user.postJson("/v1/jobs", request);
    assertThat(created.status()).as("crawl job: %s", created.body()).isEqualTo(201);
    return created.json().getLong("id");
  }

  // ---------------------------------------------------------------------------------------------
  // Assertions and helpers

  private static void assertBlockedRecord(JsonObject record) {
    assertThat(record).as("a record").isNotNull();
    assertThat(record.getJsonObject("error")).as("record %s", record).isNotNull();
    assertThat(record.getJsonObject("error").getString("code")).as("record %s", record).isEqualTo("blocked");
    assertThat(record.getInteger("status")).as("record %s: no status, nothing came back", record).isNull();
  }

  /** The first hop reached the allowed origin by name; the later lookup's answer, 127.0.0.1, was refused. */
  private static void assertRebound(JsonObject answer, String name, String firstPath, String refusedPath) {
    assertBlockedRecord(answer);
    assertThat(answer.getJsonObject("error").getString("message")).startsWith(name + " resolves to 127.0.0.1");
    assertThat(traps.hits("origin")).as("the first answer was used: the origin saw %s for %s", firstPath, name)
        .anyMatch(h -> h.path().equals(firstPath) && h.host().equals(name + ":" + port));
    assertThat(dns.lookups(name)).as("looked up again after the answer changed").isGreaterThanOrEqualTo(2);
    assertThat(traps.sinkHitsOn(refusedPath)).as("requests that arrived at a sink").isEmpty();
  }

  /** The origin handler for a rebinding: switch the name to 127.0.0.1, answer once the node's cache has expired. */
  private static Consumer<HttpServerRequest> rebind(String name, Consumer<HttpServerRequest> answer) {
    return req -> {
      dns.answer(name, "127.0.0.1");
      traps.vertx.setTimer(REBIND_DELAY_MS, id -> answer.accept(req));
    };
  }

  private static Map<String, JsonObject> byUrl(List<JsonObject> records) {
    return records.stream().collect(Collectors.toMap(r -> r.getString("url"), Function.identity(), (a, b) -> a));
  }

  private static String withPort(String text) {
    return text.replace("{P}", String.valueOf(port));
  }

  /**
   * A tripwire under the node's guard, for as long as this class runs: the JVM may connect only to
   * loopback (or 0.0.0.0 and ::, which stay on the machine) and look up no name but localhost and the
   * machine's own. A node regression that the in-process judging cannot see (a redirect hop or a crawl
   * link not judged) then fails with a refused connection here instead of sending a packet to 10.0.0.1
   * or 169.254.169.254. Java 17's SecurityManager is the one hook on every connect and lookup; a JVM
   * that no longer allows one (18+ without -Djava.security.manager=allow) runs without the tripwire,
   * and the catalogue says so.
   */
  @SuppressWarnings("removal")
  private static final class LoopbackOnly extends SecurityManager {
    private final Set<String> ownNames = new LinkedHashSet<>(List.of("localhost"));
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private SecurityManager previous;
    private boolean active;

    static LoopbackOnly install() {
      LoopbackOnly tripwire = new LoopbackOnly();
      try {
        InetAddress self = InetAddress.getLocalHost();
        tripwire.ownNames.add(self.getHostName().toLowerCase(Locale.ROOT));
        tripwire.ownNames.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
      } catch (UnknownHostException e) {
        // no name of its own: only localhost may be looked up
      }
      try {
        tripwire.previous = System.getSecurityManager();
        System.setSecurityManager(tripwire);
        tripwire.active = true;
      } catch (UnsupportedOperationException e) {
        tripwire.active = false;
      }
      return tripwire;
    }

    void uninstall() {
      if (active) {
        System.setSecurityManager(previous);
        active = false;
      }
    }

    boolean active() {
      return active;
    }

    List<String> refused() {
      return List.copyOf(refused);
    }

    @Override
    public void checkPermission(Permission permission) {
      // everything else is allowed: this manager only watches the network
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
    }

    @Override
    public void checkConnect(String host, int port) {
      boolean allowed = port < 0 ? isLiteral(host) || ownNames.contains(host.toLowerCase(Locale.ROOT))
          : isLocal(host);
      if (!allowed) {
        String what = port < 0 ? "a lookup of " + host : "a connection to " + host + ":" + port;
        refused.add(what);
        throw new SecurityException("SsrfCatalogueTest refuses " + what + " (loopback only, no DNS)");
      }
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
      checkConnect(host, port);
    }

    @Override
    public void checkMulticast(InetAddress group) {
      refused.add("multicast to " + group);
      throw new SecurityException("SsrfCatalogueTest refuses multicast to " + group);
    }

    private static boolean isLiteral(String host) {
      return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.indexOf(':') >= 0;
    }

    /** Loopback, or the unspecified address (a connect to it reaches this machine), written as a literal. */
    private static boolean isLocal(String host) {
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      int zone = h.indexOf('%');
      h = zone >= 0 ? h.substring(0, zone) : h;
      return h.matches("127(\\.\\d{1,3}){3}") || h.equals("0.0.0.0") || h.equals("::1")
          || h.equals("0:0:0:0:0:0:0:1") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
    }
  }

  /**
   * Loopback servers: the origin on 127.0.0.2 and, on the same port, sinks on 127.0.0.1 and [::1]. A
   * leaked request for the origin's port (a rebound name, a loopback alias, 0.0.0.0, [::]) lands in a
   * sink and is counted; the origin answers by path (robots.txt by Host) and records every request.
   */
  private static final class Traps implements AutoCloseable {
    record Hit(String server, String host, String path) {}

    final Vertx vertx = Vertx.vertx();
    final int port;
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final Map<String, Consumer<HttpServerRequest>> routes = new ConcurrentHashMap<>();

    Traps() {
      int found = -1;
      for (int attempt = 0; attempt < 20 && found < 0; attempt++) {
        HttpServer origin = TestNode.await(vertx.createHttpServer().requestHandler(this::origin).listen(0, ALLOWED));
        List<HttpServer> sinks = new ArrayList<>();
        try {
          for (String address : List.of("127.0.0.1", "::1")) {
            sinks.add(TestNode.await(vertx.createHttpServer().requestHandler(req -> sink(address, req))
                .listen(origin.actualPort(), address)));
          }
          found = origin.actualPort();
        } catch (IllegalStateException taken) {
          sinks.forEach(s -> TestNode.await(s.close()));
          TestNode.await(origin.close());
        }
      }
      if (found < 0) {
        throw new IllegalStateException("no port free on 127.0.0.2, 127.0.0.1 and ::1 at once");
      }
      port = found;
    }

    void route(String path, Consumer<HttpServerRequest> handler) {
      routes.put(path, handler);
    }

    void robots(String hostHeader, Consumer<HttpServerRequest> handler) {
      routes.put("robots.txt for " + hostHeader, handler);
    }

    void page(String path, String type, String body) {
      route(path, req -> req.response().putHeader("Content-Type", type).end(body));
    }

    void redirect(String path, int status, String location) {
      route(path, req -> req.response().setStatusCode(status).putHeader("Location", location).end());
    }

    List<Hit> hits(String server) {
      return hits.stream().filter(h -> h.server().equals(server)).toList();
    }

    long originHits(String path) {
      return hits("origin").stream().filter(h -> h.path().equals(path)).count();
    }

    List<Hit> hitsOn(String path) {
      return hits.stream().filter(h -> h.path().equals(path)).toList();
    }

    List<Hit> sinkHits() {
      return hits.stream().filter(h -> !h.server().equals("origin")).toList();
    }

    List<Hit> sinkHitsOn(String path) {
      return sinkHits().stream().filter(h -> h.path().equals(path)).toList();
    }

    private void origin(HttpServerRequest req) {
      String host = req.getHeader("Host");
      hits.add(new Hit("origin", host, req.path()));
      Consumer<HttpServerRequest> route = req.path().equals("/robots.txt") ? routes.get("robots.txt for " + host)
          : routes.get(req.path());
      if (route == null) {
        req.response().setStatusCode(404).end();
      } else {
        route.accept(req);
      }
    }

    private void sink(String address, HttpServerRequest req) {
      hits.add(new Hit("sink " + address, req.getHeader("Host"), req.path()));
      req.response().putHeader("Content-Type", "text/html").end("<html><title>leaked</title></html>");
    }

    @Override
    public void close() {
      TestNode.await(vertx.close());
    }
  }
}
