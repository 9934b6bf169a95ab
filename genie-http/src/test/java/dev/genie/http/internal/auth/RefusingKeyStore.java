package dev.genie.http.internal.auth;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.KeyStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A key store that refuses every call: a test's fake overrides only what the code under test may
 * ask, and any other call fails the test.
 */
public abstract class RefusingKeyStore implements KeyStore {
  @Override
  public void create(ApiKey key, byte[] keyHash) {
    throw new UnsupportedOperationException("create");
  }

  @Override
  public Optional<ApiKey> findByHash(byte[] keyHash) {
    throw new UnsupportedOperationException("findByHash");
  }

  @Override
  public List<ApiKey> list() {
    throw new UnsupportedOperationException("list");
  }

  @Override
  public boolean revoke(String name, Instant now) {
    throw new UnsupportedOperationException("revoke");
  }

  @Override
  public void touch(String name, Instant now) {
    throw new UnsupportedOperationException("touch");
  }

  @Override
  public void charge(String name, LocalDate day, long tokens) {
    throw new UnsupportedOperationException("charge");
  }

  @Override
  public long spent(String name, LocalDate day) {
    throw new UnsupportedOperationException("spent");
  }

  @Override
  public boolean reserve(String name, LocalDate day, long tokens, long limit) {
    throw new UnsupportedOperationException("reserve");
  }

  @Override
  public void settle(String name, LocalDate day, long reserved, long used) {
    throw new UnsupportedOperationException("settle");
  }

  @Override
  public void recordGenerationKey(String promptId, String name) {
    throw new UnsupportedOperationException("recordGenerationKey");
  }

  @Override
  public Optional<String> generationKey(String promptId) {
    throw new UnsupportedOperationException("generationKey");
  }
}
