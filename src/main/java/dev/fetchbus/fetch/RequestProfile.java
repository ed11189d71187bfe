package dev.fetchbus.fetch;

import dev.fetchbus.config.JobRequests;
import dev.fetchbus.config.ProxyUrl;
import dev.fetchbus.store.StoredCookie;
import io.vertx.core.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one download adds to its requests, hop by hop: the user agent, the job's headers for the
 * hop's host (so a redirect to another host leaves that host's credentials behind), and the
 * cookies of the job's jar that match the hop's URL; and the job's proxy, if it names one (else the
 * node's route applies). Collects what the responses set, for {@link #persist} once the download is
 * over. One per download: not shared.
 */
final class RequestProfile {
  private final String userAgent;
  private final JobRequests requests;
  private final long jobId;
  private final CookieJars jars;
  private final ProxyUrl proxy;
  private final List<StoredCookie> changed = new ArrayList<>();
  /** The jar as read for the current hop's request, so its response's cookies go into the same jar. */
  private CookieJar jar;

  private RequestProfile(String userAgent, JobRequests requests, long jobId, CookieJars jars, ProxyUrl proxy) {
    this.userAgent = userAgent;
    this.requests = requests;
    this.jobId = jobId;
    this.jars = jars;
    this.proxy = proxy;
  }

  /** The node's user agent and nothing else: robots.txt of the node, synchronous fetches. */
  static RequestProfile plain(String userAgent) {
    return plain(userAgent, null);
  }

  /** A user agent and a proxy (null: the node's route), no headers, credentials or cookies: robots.txt of a job. */
  static RequestProfile plain(String userAgent, ProxyUrl proxy) {
    return new RequestProfile(userAgent, JobRequests.NONE, -1, null, proxy);
  }

  /**
   * A job's requests, through its {@code proxy} (null: the node's route); {@code jars} is used only when the job keeps
   * cookies.
   */
  static RequestProfile of(String nodeAgent, JobRequests requests, long jobId, CookieJars jars, ProxyUrl proxy) {
    String agent = requests.userAgent() != null ? requests.userAgent() : nodeAgent;
    return new RequestProfile(agent, requests, jobId, requests.cookies() && jobId >= 0 ? jars : null, proxy);
  }

  String userAgent() {
    return userAgent;
  }

  /** The job's proxy, or null when the job names none. */
  ProxyUrl proxy() {
    return proxy;
  }

  /** The job's headers for this hop, its Cookie header included (merged with one the job set itself). */
  Future<List<Map.Entry<String, String>>> headers(URI uri) {
    List<Map.Entry<String, String>> headers = requests.headersFor(uri.getHost());
    if (jars == null) {
      return Future.succeededFuture(headers);
    }
    return jars.jar(jobId, requests).map(loaded -> {
      jar = loaded;
      return withCookies(headers, loaded.header(uri, System.currentTimeMillis()));
    });
  }

  /** Takes in a response's Set-Cookie headers (in memory at once; stored by {@link #persist}). */
  void received(URI uri, List<String> setCookies) {
    if (jar != null && !setCookies.isEmpty()) {
      changed.addAll(jar.receive(setCookies, uri, System.currentTimeMillis()));
    }
  }

  /** Writes the cookies the download's responses changed; nothing when none did (the usual case). */
  Future<Void> persist() {
    if (changed.isEmpty()) {
      return Future.succeededFuture();
    }
    List<StoredCookie> batch = List.copyOf(changed);
    changed.clear();
    return jars.save(jobId, batch);
  }

  private static List<Map.Entry<String, String>> withCookies(List<Map.Entry<String, String>> headers, String jar) {
    if (jar == null) {
      return headers;
    }
    List<Map.Entry<String, String>> all = new ArrayList<>(headers.size() + 1);
    String cookie = jar;
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase("cookie")) {
        cookie = h.getValue() + "; " + jar; // one Cookie header only (RFC 6265 section 5.4)
      } else {
        all.add(h);
      }
    }
    all.add(Map.entry("Cookie", cookie));
    return all;
  }
}
