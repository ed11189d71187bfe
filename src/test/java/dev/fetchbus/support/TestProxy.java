package dev.fetchbus.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny proxy on 127.0.0.1 for tests, on plain threads (test code, no event loop to block): HTTP
 * (CONNECT tunnels and forwarded absolute-form requests) or SOCKS5 (CONNECT, IPv4/IPv6/name
 * targets), optionally demanding a user and password. It records every connection it accepts and
 * every target it was asked for, as {@code "CONNECT 127.0.0.1:443"}, {@code "GET http://..."} or
 * {@code "SOCKS5 ipv4 127.0.0.1:80"}, and refuses a request without the right credentials with
 * 407 or a SOCKS5 authentication failure.
 */
public final class TestProxy implements AutoCloseable {
  private final boolean socks;
  private final String user;
  private final String password;
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private TestProxy(boolean socks, String user, String password) throws IOException {
    this.socks = socks;
    this.user = user;
    this.password = password;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread acceptor = new Thread(this::accept, "test-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static TestProxy http(String user, String password) {
    return start(false, user, password);
  }

  public static TestProxy socks5(String user, String password) {
    return start(true, user, password);
  }

  private static TestProxy start(boolean socks, String user, String password) {
    try {
      return new TestProxy(socks, user, password);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The proxy URL, with {@code user:password@} when given (null: none). */
  public String url(String user, String password) {
    String info = user == null ? "" : user + ":" + password + "@";
    return (socks ? "socks5" : "http") + "://" + info + "127.0.0.1:" + port();
  }

  /** Connections accepted, whatever came of them. */
  public int connections() {
    return connections.get();
  }

  /** What the proxy was asked for, in order, refused requests included. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "test-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      DataInputStream in = new DataInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      if (socks) {
        socks(in, out, client);
      } else {
        http(in, out, client);
      }
    } catch (IOException e) {
      // the client went away: nothing to do in a test proxy
    }
  }

  private void http(DataInputStream in, OutputStream out, Socket client) throws IOException {
    String head = readHead(in);
    String requestLine = head.substring(0, head.indexOf("\r\n"));
    String[] parts = requestLine.split(" ");
    requests.add(parts[0] + " " + parts[1]);
    if (user != null && !head.toLowerCase().contains("proxy-authorization: basic "
        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)).toLowerCase())) {
      out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return;
    }
    if (parts[0].equals("CONNECT")) {
      Socket origin = connect(parts[1]);
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      pipe(client, in, origin);
    } else {
      // forwarded: the origin gets the request as sent (Vert.x servers read absolute-form request
      // lines), with Connection: close, so each request comes on a connection of its own and is counted
      URI target = URI.create(parts[1]);
      Socket origin = connect(target.getHost() + ":" + (target.getPort() > 0 ? target.getPort() : 80));
      String forwarded =
          head.replaceAll("(?im)^connection:.*\r\n", "").replaceFirst("\r\n\r\n$", "\r\nConnection: close\r\n\r\n");
      origin.getOutputStream().write(forwarded.getBytes(StandardCharsets.ISO_8859_1));
      pipe(client, in, origin);
    }
  }

  private void socks(DataInputStream in, OutputStream out, Socket client) throws IOException {
    in.readUnsignedByte(); // version 5
    byte[] methods = in.readNBytes(in.readUnsignedByte());
    int wanted = user == null ? 0 : 2;
    if (!contains(methods, wanted)) {
      requests.add("SOCKS5 no acceptable method");
      out.write(new byte[] {5, (byte) 0xFF});
      return;
    }
    out.write(new byte[] {5, (byte) wanted});
    if (wanted == 2) {
      in.readUnsignedByte(); // sub-negotiation version 1
      String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
      String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
      boolean ok = user.equals(u) && password.equals(p);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      if (!ok) {
        requests.add("SOCKS5 bad credentials");
        return;
      }
    }
    in.readUnsignedByte();
    in.readUnsignedByte(); // command: CONNECT
    in.readUnsignedByte();
    int type = in.readUnsignedByte();
    String host = switch (type) {
      case 1 -> "ipv4 " + InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
      case 4 -> "ipv6 [" + InetAddress.getByAddress(in.readNBytes(16)).getHostAddress() + "]";
      default -> "name " + new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
    };
    int port = in.readUnsignedShort();
    requests.add("SOCKS5 " + host + ":" + port);
    Socket origin = connect(host.substring(host.indexOf(' ') + 1) + ":" + port);
    out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    out.flush();
    pipe(client, in, origin);
  }

  /** Connects to loopback targets only: a test proxy must never send a packet off the machine. */
  private Socket connect(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    InetAddress address = InetAddress.getByName(host.matches("[0-9.]+|[0-9a-fA-F:]+") ? host : "0.0.0.0");
    if (!address.isLoopbackAddress()) {
      throw new IOException("test proxy refuses non-loopback target " + hostPort);
    }
    Socket origin = new Socket();
    origin.connect(new InetSocketAddress(address, Integer.parseInt(hostPort.substring(colon + 1))), 5000);
    open.add(origin);
    return origin;
  }

  private static void pipe(Socket client, InputStream fromClient, Socket origin) throws IOException {
    Thread back = new Thread(() -> {
      try {
        origin.getInputStream().transferTo(client.getOutputStream());
      } catch (IOException e) {
        // either side closed
      } finally {
        close(client);
      }
    }, "test-proxy-back");
    back.setDaemon(true);
    back.start();
    try {
      fromClient.transferTo(origin.getOutputStream());
    } finally {
      close(origin);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed mid-head");
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static boolean contains(byte[] values, int wanted) {
    for (byte v : values) {
      if (v == wanted) {
        return true;
      }
    }
    return false;
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    open.forEach(TestProxy::close);
  }
}
