package dev.fetchbus.api;

import dev.fetchbus.cpu.CpuPool;
import dev.fetchbus.extract.UrlNormalizer;
import dev.fetchbus.frontier.FrontierVerticle;
import dev.fetchbus.frontier.Partitions;
import dev.fetchbus.store.FrontierTable;
import dev.fetchbus.store.JobTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Feeds one job's URL list into the frontier, a batch at a time: normalise on a worker thread,
 * insert (the unique key dedupes), count. The caller waits for each batch before reading more,
 * which is what slows an upload down instead of growing memory.
 */
final class UrlIngest {
  static final int BATCH = 1000;
  /**
   * The first batch is smaller: its URLs are claimable, and being fetched, while the next batches
   * are still normalised and inserted (a job of the PostgreSQL manual's 1,169 URLs waited about 60
   * ms for its first fetch behind a batch of 1,000).
   */
  static final int FIRST_BATCH = 100;
  private static final int MAX_SAMPLE_INPUT = 200;

  private final Vertx vertx;
  private final CpuPool cpu;
  private final FrontierTable frontier;
  private final JobTable jobs;
  private final long jobId;
  private final int partitions;
  private final int sampleLimit;
  private final JsonArray samples = new JsonArray();
  private long lineNumber;
  private long accepted;
  private long duplicates;
  private long rejected;
  private boolean announced;
  /** Asked before each batch is stored, with its URL count: the owner's limits (UserLimits). */
  private IntFunction<Future<Void>> admit = n -> Future.succeededFuture();

  /** One batch normalised: accepted URLs with their hosts and partitions, in input order; rejected lines. */
  record Batch(List<String> urls, List<String> hosts, List<Integer> partitions, List<JsonObject> rejected) {}

  UrlIngest(Vertx vertx, CpuPool cpu, FrontierTable frontier, JobTable jobs, long jobId, int partitions,
      int sampleLimit) {
    this.vertx = vertx;
    this.cpu = cpu;
    this.frontier = frontier;
    this.jobs = jobs;
    this.jobId = jobId;
    this.partitions = partitions;
    this.sampleLimit = sampleLimit;
  }

  long jobId() {
    return jobId;
  }

  /** How many lines a batch holds at most: the first one, or any after it. */
  static int batchSize(boolean first) {
    return first ? FIRST_BATCH : BATCH;
  }

  UrlIngest admittedBy(IntFunction<Future<Void>> admit) {
    this.admit = admit;
    return this;
  }

  /** Adds the next lines of the input (each one raw line, or a JSON value's text). */
  Future<Void> add(List<String> lines) {
    long[] numbers = new long[lines.size()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = ++lineNumber;
    }
    return add(lines, numbers);
  }

  /** Adds lines whose line numbers in the input are given (blank lines may have been skipped between them). */
  Future<Void> add(List<String> lines, long[] numbers) {
    lineNumber = Math.max(lineNumber, numbers.length == 0 ? lineNumber : numbers[numbers.length - 1]);
    return cpu.run(() -> normalize(lines, numbers, partitions))
        .compose(batch -> admit.apply(batch.urls().size()).compose(v -> store(batch)));
  }

  /** The input is complete: record the counts, let the job finish, and wake the frontier. */
  Future<Void> finish() {
    return jobs.finishIngest(jobId, samples)
        .compose(v -> jobs.finishIfComplete(List.of(jobId)))
        .onSuccess(v -> announce())
        .mapEmpty();
  }

  /**
   * Normalises one batch of lines, {@code numbers[i]} being the line number of {@code lines[i]} in the
   * input; blank and comment lines are skipped. Pure: no state, no I/O (it runs on a worker thread).
   */
  static Batch normalize(List<String> lines, long[] numbers, int partitions) {
    Batch batch = new Batch(new ArrayList<>(lines.size()), new ArrayList<>(lines.size()),
        new ArrayList<>(lines.size()), new ArrayList<>());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      UrlNormalizer.Result result = UrlNormalizer.normalize(line);
      if (result instanceof UrlNormalizer.Accepted ok) {
        batch.urls().add(ok.url());
        batch.hosts().add(ok.host());
        batch.partitions().add(Partitions.of(ok.host(), partitions));
      } else {
        batch.rejected().add(new JsonObject().put("line", numbers[i])
            .put("input", sample(line))
            .put("reason", ((UrlNormalizer.Rejected) result).reason()));
      }
    }
    return batch;
  }

  /** A rejected line as kept in the job: cut short, and without NUL, which PostgreSQL's JSON cannot hold. */
  private static String sample(String line) {
    String cut = line.length() > MAX_SAMPLE_INPUT ? line.substring(0, MAX_SAMPLE_INPUT) : line;
    return cut.indexOf('\u0000') < 0 ? cut : cut.replace('\u0000', '\uFFFD');
  }

  private Future<Void> store(Batch batch) {
    rejected += batch.rejected().size();
    for (JsonObject sample : batch.rejected()) {
      if (samples.size() < sampleLimit) {
        samples.add(sample);
      }
    }
    if (batch.urls().isEmpty() && batch.rejected().isEmpty()) {
      return Future.succeededFuture(); // nothing to count: no database round trip for blank lines
    }
    Future<Integer> inserted = batch.urls().isEmpty()
        ? Future.succeededFuture(0)
        : frontier.enqueue(jobId, 0, batch.urls(), batch.hosts(), batch.partitions());
    return inserted.compose(n -> {
      accepted += n;
      duplicates += batch.urls().size() - n;
      if (n > 0 && !announced) {
        announce();
      }
      return jobs.addIngestCounts(jobId, n, batch.urls().size() - n, batch.rejected().size());
    });
  }

  private void announce() {
    announced = true;
    vertx.eventBus().publish(FrontierVerticle.JOB_CREATED, jobId);
  }

  JsonObject summary(String state) {
    return new JsonObject().put("id", jobId).put("state", state).put("accepted", accepted)
        .put("duplicates", duplicates).put("rejected", rejected).put("rejectedSamples", samples);
  }
}
