package dev.fetchbus.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fetchbus.support.HeaderOrigin;
import dev.fetchbus.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The browsers' only way out, without a browser: raw HTTP to the proxy on loopback. */
@DisplayName("The render proxy: each page's own credentials, judges every target and connects to the address it judged")
class GuardProxyTest {
  private static Vertx vertx;
  private static GuardProxy proxy;
  private static GuardProxy.Pass pass;
  private static HeaderOrigin allowed;
  private static HeaderOrigin internal;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    allowed = new HeaderOrigin("127.0.0.1");
    internal = new HeaderOrigin("127.0.0.2");
    // the gate: 127.0.0.1 and the name "public.test" (which "resolves" to it) pass, anything else is refused
    proxy = new GuardProxy(vertx, 5_000);
    pass = proxy.open(host -> {
      try {
        return host.equals("127.0.0.1") || host.equals("public.test")
            ? Future.succeededFuture(InetAddress.getByName("127.0.0.1"))
            : Future.failedFuture(host + " is not a public address");
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    });
  }

  @AfterAll
  static void stop() {
    allowed.close();
    internal.close();
    TestNode.await(vertx.close());
  }

  private static String exchange(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[4096];
      int n = in.read(head);
      return n < 0 ? "" : new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  private static String auth() {
    return auth(pass.user(), pass.password());
  }

  private static String auth(String user, String password) {
    return "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(
        (user + ":" + password).getBytes(StandardCharsets.US_ASCII)) + "\r\n";
  }

  @Test
  @DisplayName(
      "without an open page's credentials (none, a wrong password, a closed page's): 407, and nothing is forwarded")
  void password() throws Exception {
    String answer = exchange("GET " + allowed.url("/nopass") + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 407");
    String wrong =
        exchange("GET " + allowed.url("/nopass") + " HTTP/1.1\r\nHost: x\r\n" + auth(pass.user(), "guess") + "\r\n");
    assertThat(wrong).startsWith("HTTP/1.1 407");
    GuardProxy.Pass closed = proxy.open(host -> Future.succeededFuture(InetAddress.getLoopbackAddress()));
    proxy.close(closed);
    String late = exchange("GET " + allowed.url("/nopass") + " HTTP/1.1\r\nHost: x\r\n"
        + auth(closed.user(), closed.password()) + "\r\n");
    assertThat(late).startsWith("HTTP/1.1 407");
    assertThat(allowed.seen("/nopass")).isEmpty();
  }

  @Test
  @DisplayName("plain HTTP to a permitted host is forwarded, to the address judged, with the name as Host")
  void forwards() throws Exception {
    String url = allowed.url("/ok").replace("127.0.0.1", "public.test");
    String answer = exchange("GET " + url + " HTTP/1.1\r\nHost: public.test\r\n" + auth() + "\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(allowed.seen("/ok")).hasSize(1);
    assertThat(allowed.seen("/ok").get(0).header("Host")).startsWith("public.test:");
  }

  @Test
  @DisplayName("plain HTTP and CONNECT tunnels to a refused host get 403 with the reason; the host sees nothing")
  void refuses() throws Exception {
    String get = exchange("GET " + internal.url("/get") + " HTTP/1.1\r\nHost: x\r\n" + auth() + "\r\n");
    assertThat(get).startsWith("HTTP/1.1 403").containsIgnoringCase(GuardProxy.REFUSED + ": 127.0.0.2 is not a public");
    String target = internal.url("/").replace("http://", "").replace("/", "");
    String connect = exchange("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n" + auth() + "\r\n");
    assertThat(connect).startsWith("HTTP/1.1 403");
    assertThat(internal.seen()).isEmpty();
  }
}
