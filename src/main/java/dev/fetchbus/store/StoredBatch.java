package dev.fetchbus.store;

import java.util.List;
import java.util.Set;

/**
 * What became of one batch of records, sent back to the frontier once per batch rather than once
 * per record: {@code urlIds} were in the batch, {@code committed} of them were written (the others'
 * leases had been lost), or none was when {@code failed} (their URLs stay leased and come back).
 */
public record StoredBatch(List<Long> urlIds, Set<Long> committed, boolean failed) {}
