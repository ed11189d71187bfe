package dev.fetchbus.frontier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.fetch.FetchTask;
import dev.fetchbus.fetch.FetcherVerticle;
import dev.fetchbus.fetch.Robots;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.NewUrl;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What robots.txt means for scheduling. When a job first brings work for a host, the host is held
 * until its robots.txt is known (one shared load per node), then released with its Crawl-delay
 * (capped). A crawl job with sitemaps on also gets the host's {@code Sitemap:} entries queued.
 */
final class Politeness {
  private static final Logger log = LoggerFactory.getLogger(Politeness.class);
  private final Vertx vertx;
  private final HostScheduler<HostScheduler.Work> scheduler;
  private final FrontierTable frontier;
  private final long maxCrawlDelayMs;
  private final int partitions;
  private final Runnable afterRelease;
  private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(100_000).build();

  Politeness(Vertx vertx, HostScheduler<HostScheduler.Work> scheduler, FrontierTable frontier, long maxCrawlDelayMs,
      int partitions, Runnable afterRelease) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.frontier = frontier;
    this.maxCrawlDelayMs = maxCrawlDelayMs;
    this.partitions = partitions;
    this.afterRelease = afterRelease;
  }

  /** Call before the lease joins the scheduler. */
  void admit(Lease lease) {
    JobPlan plan = lease.plan();
    String host = lease.host();
    boolean firstForJob = seen.asMap().putIfAbsent(lease.url().jobId() + " " + host, Boolean.TRUE) == null;
    boolean hold = plan.options().robots() && scheduler.isNew(host);
    if (!hold && !(firstForJob && plan.sitemaps())) {
      return;
    }
    if (hold) {
      scheduler.hold(host);
    }
    vertx.eventBus().<Robots>request(FetcherVerticle.ROBOTS_ADDRESS, lease.url().url(), robotsDelivery(plan))
        .map(Message::body)
        .onComplete(robots -> {
          if (hold) {
            long crawlDelay = robots.succeeded() ? robots.result().crawlDelayMs() : 0;
            scheduler.release(host, Math.min(crawlDelay, maxCrawlDelayMs));
            afterRelease.run();
          }
          if (robots.succeeded() && firstForJob && plan.sitemaps()) {
            queueSitemaps(lease, robots.result().sitemaps());
          }
        });
  }

  /**
   * Asks for robots.txt as the job reads it: for its own agent token when it set a user agent, and
   * through its proxy when it names one (robots.txt is fetched through it, and kept apart from other
   * routes').
   */
  private static DeliveryOptions robotsDelivery(JobPlan plan) {
    String agent = plan.options().requests().userAgent();
    if (agent == null && plan.options().proxy() == null) {
      return FrontierVerticle.LOCAL;
    }
    DeliveryOptions delivery = new DeliveryOptions(FrontierVerticle.LOCAL);
    if (agent != null) {
      delivery.addHeader(FetcherVerticle.USER_AGENT, agent);
    }
    if (plan.options().proxy() != null) {
      delivery.addHeader(FetcherVerticle.PROXY_HEADER, plan.options().proxy().url());
    }
    return delivery;
  }

  private void queueSitemaps(Lease lease, List<String> sitemaps) {
    List<NewUrl> urls = new ArrayList<>();
    for (String sitemap : sitemaps) {
      if (UrlNormalizer.normalize(sitemap) instanceof UrlNormalizer.Accepted ok) {
        urls.add(new NewUrl(ok.url(), ok.host(), Partitions.of(ok.host(), partitions), 0, FetchTask.SITEMAP, null));
      }
    }
    if (!urls.isEmpty()) {
      frontier.enqueueCapped(lease.url().jobId(), urls)
          .onFailure(err ->
              log.warn("Could not queue the sitemaps of {} for job {}", lease.host(), lease.url().jobId(), err));
    }
  }
}
