package dev.fetchbus.fetch;

import dev.fetchbus.store.StoredCookie;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One job's cookies on this node. Fetchers on several event loops use it, so every method is
 * synchronized; each is a walk over at most {@code job.maxCookies} entries, never a wait.
 * Entries from the database and from this node's responses are merged by {@code updatedMs}: the
 * later write of a cookie wins, on whichever node it was made.
 */
final class CookieJar {
  private final Map<String, StoredCookie> cookies = new HashMap<>();
  private final int maxCookies;

  CookieJar(int maxCookies) {
    this.maxCookies = maxCookies;
  }

  /** Takes in cookies read from the database (or seeds), keeping whichever version of each is newer. */
  synchronized void merge(List<StoredCookie> stored) {
    for (StoredCookie cookie : stored) {
      StoredCookie mine = cookies.get(cookie.key());
      if (mine == null ? cookies.size() < maxCookies : mine.updatedMs() <= cookie.updatedMs()) {
        cookies.put(cookie.key(), cookie);
      }
    }
  }

  /**
   * Applies a response's Set-Cookie headers; returns the cookies that changed, for the database. A
   * cookie set again unchanged (same value and attributes, save a renewed expiry) is not written again.
   */
  synchronized List<StoredCookie> receive(List<String> setCookies, URI uri, long nowMs) {
    List<StoredCookie> changed = new ArrayList<>();
    for (String header : setCookies) {
      StoredCookie cookie = CookieRules.fromHeader(header, uri, nowMs);
      if (cookie == null) {
        continue;
      }
      StoredCookie old = cookies.get(cookie.key());
      if (old == null && (cookie.expired(nowMs) || cookies.size() >= maxCookies)) {
        continue; // deleting what we never had, or past the job's bound: nothing to keep
      }
      if (old != null && same(old, cookie, nowMs)) {
        continue;
      }
      cookies.put(cookie.key(), cookie);
      changed.add(cookie);
    }
    return changed;
  }

  /** The Cookie header for a request to {@code uri}, or null: longer paths first, as section 5.4 asks. */
  synchronized String header(URI uri, long nowMs) {
    List<StoredCookie> sent = new ArrayList<>();
    for (StoredCookie cookie : cookies.values()) {
      if (!cookie.expired(nowMs) && CookieRules.matches(cookie, uri)) {
        sent.add(cookie);
      }
    }
    if (sent.isEmpty()) {
      return null;
    }
    sent.sort(Comparator.comparingInt((StoredCookie c) -> -c.path().length()).thenComparing(StoredCookie::name));
    StringBuilder header = new StringBuilder();
    for (StoredCookie cookie : sent) {
      header.append(header.length() == 0 ? "" : "; ").append(cookie.name()).append('=').append(cookie.value());
    }
    return header.toString();
  }

  /**
   * Whether {@code b} needs no write over {@code a}: the same cookie, and a renewed expiry that the
   * stored one still covers for at least half of the new lifetime (so that sites renewing a cookie on
   * every page cause a write now and then, not on every page, and other nodes never see it lapse).
   */
  private static boolean same(StoredCookie a, StoredCookie b, long nowMs) {
    if (a.expired(nowMs) || b.expired(nowMs)) {
      return a.expired(nowMs) && b.expired(nowMs);
    }
    boolean sameCookie = a.value().equals(b.value()) && a.secure() == b.secure() && a.hostOnly() == b.hostOnly();
    if (!sameCookie || (a.expiresMs() == null) != (b.expiresMs() == null)) {
      return false;
    }
    return a.expiresMs() == null || a.expiresMs() >= b.expiresMs() - (b.expiresMs() - nowMs) / 2;
  }
}
