package dev.fetchbus.fetch;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import java.util.List;

/**
 * What a host's robots.txt says, or that it could not be read. Unavailable rules ({@code 5xx},
 * timeouts) are kept briefly: the URLs waiting on them are retried, and recorded as {@code robots}
 * when their attempts run out.
 */
public record Robots(BaseRobotRules rules, boolean unavailable, String reason) {

  public static Robots allowAll(String reason) {
    return new Robots(new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL), false, reason);
  }

  public static Robots unavailable(String reason) {
    return new Robots(new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE), true, reason);
  }

  public boolean allows(String url) {
    return !unavailable && rules.isAllowed(url);
  }

  /** The Crawl-delay in milliseconds, or 0 when none is set. */
  public long crawlDelayMs() {
    long delay = rules.getCrawlDelay();
    return delay == BaseRobotRules.UNSET_CRAWL_DELAY || delay < 0 ? 0 : delay;
  }

  public List<String> sitemaps() {
    return rules.getSitemaps();
  }
}
