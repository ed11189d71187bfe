package dev.fetchbus.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a job adds to its requests: its own user agent (null: the node's), headers sent to every
 * host, headers and credentials sent to one host only (exact host, no subdomains), and whether it
 * keeps a cookie jar (seeded with {@code seeds}). Checked by {@link JobRequestsParser}; stored in
 * the job's options in the shape the API takes, so {@link #stored} reads it back the same way.
 */
public record JobRequests(String userAgent, List<Map.Entry<String, String>> headers,
    Map<String, List<Map.Entry<String, String>>> hostHeaders, boolean cookies, JsonArray seeds, JsonObject json) {

  public static final JobRequests NONE = new JobRequests(null, List.of(), Map.of(), false, new JsonArray(),
      new JsonObject());

  /** The options' request keys, already checked when the job was created. */
  public static JobRequests stored(JsonObject options) {
    return options == null ? NONE : JobRequestsParser.read(options, null);
  }

  /** The product token robots.txt groups are matched against: the user agent up to its first '/' or space. */
  public static String agentToken(String userAgent) {
    String token = userAgent.strip().split("[/\\s]", 2)[0];
    return token.toLowerCase(Locale.ROOT);
  }

  /** The job's headers for {@code host} (lower case, as in a URL): the job-wide ones, then that host's own. */
  public List<Map.Entry<String, String>> headersFor(String host) {
    List<Map.Entry<String, String>> scoped = hostHeaders.get(host.toLowerCase(Locale.ROOT));
    if (scoped == null) {
      return headers;
    }
    List<Map.Entry<String, String>> all = new ArrayList<>(headers.size() + scoped.size());
    for (Map.Entry<String, String> h : headers) {
      // a host's own header (its Authorization, say) replaces a job-wide one of the same name
      if (scoped.stream().noneMatch(s -> s.getKey().equalsIgnoreCase(h.getKey()))) {
        all.add(h);
      }
    }
    all.addAll(scoped);
    return all;
  }

  /** The request keys as stored with the job (in clear: the fetcher needs them; views mask them). */
  public JsonObject toJson() {
    return json.copy();
  }

  static String basic(String username, String password) {
    byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair);
  }
}
