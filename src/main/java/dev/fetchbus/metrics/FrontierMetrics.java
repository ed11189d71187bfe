package dev.fetchbus.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** The frontier's series: fetches in flight, leased URLs waiting for a host slot, queued URLs, retries. */
public final class FrontierMetrics {
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong storedBodyBytes = new AtomicLong();
  private final Counter retries;
  private final Counter leaseLost;

  public FrontierMetrics(MeterRegistry registry, IntSupplier inFlight, IntSupplier waiting) {
    Gauge.builder("fetchbus_fetch_in_flight", inFlight::getAsInt)
        .description("Fetches this node has started and not yet finished").register(registry);
    Gauge.builder("fetchbus_frontier_waiting", waiting::getAsInt)
        .description("URLs leased by this node, waiting for a host slot or the global in-flight bound")
        .register(registry);
    Gauge.builder("fetchbus_frontier_queued_urls", queued::get)
        .description("URLs queued in the frontier table, all jobs (refreshed every few seconds)").register(registry);
    Gauge.builder("fetchbus_store_body_bytes", storedBodyBytes::get)
        .description("Bytes the content store takes on disk, all jobs (table, TOAST and index; refreshed every few "
            + "seconds)").baseUnit("bytes").register(registry);
    retries = Counter.builder("fetchbus_fetch_retries").description("Fetches put back for a later attempt")
        .register(registry);
    leaseLost = Counter.builder("fetchbus_store_lease_lost")
        .description("Records dropped because this node no longer held the URL's lease").register(registry);
  }

  /** This node's share of the work: host partitions it owns, and the most fetches it may run at once. */
  public void ownership(IntSupplier ownedPartitions, int maxInFlight, MeterRegistry registry) {
    Gauge.builder("fetchbus_frontier_owned_partitions", ownedPartitions::getAsInt)
        .description("Host partitions this node's frontier owns (all of frontier.partitions when alone)")
        .register(registry);
    Gauge.builder("fetchbus_fetch_in_flight_limit", () -> maxInFlight)
        .description("The most fetches this node runs at once (fetch.maxInFlight)").register(registry);
  }

  public void queued(long count) {
    queued.set(count);
  }

  /** The filter of links seen: links it kept from the store, and hashes it holds. */
  public void links(LongSupplier filtered, LongSupplier held, MeterRegistry registry) {
    FunctionCounter.builder("fetchbus_frontier_links_filtered", filtered,
            f -> f.getAsLong())
        .description("Discovered links not sent to the database because this node knew them queued already")
        .register(registry);
    Gauge.builder("fetchbus_frontier_seen_links", held::getAsLong)
        .description("Links held by the filter of links seen (8 bytes each; bound: frontier.seenLinks)")
        .register(registry);
  }

  public void storedBodyBytes(long bytes) {
    storedBodyBytes.set(bytes);
  }

  public void retried() {
    retries.increment();
  }

  public void leaseLost() {
    leaseLost.increment();
  }
}
