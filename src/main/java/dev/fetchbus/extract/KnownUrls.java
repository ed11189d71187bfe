package dev.fetchbus.extract;

/**
 * {@link UrlNormalizer}'s answers for the URLs a crawl meets again and again, memoised node-wide.
 * A page's links are normalised when they are resolved, again when the fetcher turns them into
 * discoveries (for their host), and again by the scope (for its host rule): the same few thousand
 * navigation links on every page of a site. Normalising is regex- and {@link java.net.URI}-heavy
 * (about 5 µs a URL); a lookup here is a hash. Keys are cut at the fragment first, because a
 * fragment never changes the answer and Doxygen-style sites link the same page under tens of
 * thousands of {@code #anchor}s. Bounded: 20,000 URLs, a few MB.
 *
 * <p>Not for list ingest: a million distinct URLs, each seen once, would only churn the memo.
 */
public final class KnownUrls {
  private static final LinkMemo<UrlNormalizer.Result> MEMO = new LinkMemo<>(20_000);

  private KnownUrls() {}

  /** What {@link UrlNormalizer#normalize} says of {@code url}, memoised. */
  public static UrlNormalizer.Result normalize(String url) {
    return MEMO.get(withoutFragment(url), UrlNormalizer::normalize);
  }

  /** The normalised spelling of {@code url}, or null when it cannot be fetched. */
  public static String normalised(String url) {
    return normalize(url) instanceof UrlNormalizer.Accepted ok ? ok.url() : null;
  }

  /** The host of a URL that normalises, lower case; "" when it does not. */
  public static String host(String url) {
    return normalize(url) instanceof UrlNormalizer.Accepted ok ? ok.host() : "";
  }

  /** Everything before the first '#': where a URL's fragment starts, whatever precedes it. */
  static String withoutFragment(String url) {
    int hash = url.indexOf('#');
    return hash < 0 ? url : url.substring(0, hash);
  }
}
