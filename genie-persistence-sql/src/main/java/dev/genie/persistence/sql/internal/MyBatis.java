package dev.genie.persistence.sql.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * Builds MyBatis in code: no XML configuration file, one mapper, no caches, and no logging of bound
 * values ({@link UnloggedStatements}).
 */
public final class MyBatis {
  private MyBatis() {}

  /** Without the statement log. */
  public static SqlSessionFactory sessionFactory(DataSource dataSource) {
    return sessionFactory(mapping(false), dataSource);
  }

  /**
   * Starts building the mapping on a thread of its own. Parsing the mapper's XML is a large part of
   * the time to ready; it needs no connection, so it can run while the pool connects.
   *
   * @param logSql whether every statement is logged with its timing ({@link StatementLog})
   */
  public static CompletableFuture<Configuration> mappingInBackground(boolean logSql) {
    return CompletableFuture.supplyAsync(
        () -> mapping(logSql),
        task -> {
          Thread thread = new Thread(task, "genie-mapper");
          thread.setDaemon(true);
          thread.start();
        });
  }

  /** The session factory over {@code dataSource}, once the mapping is built. */
  public static SqlSessionFactory sessionFactory(
      CompletableFuture<Configuration> mapping, DataSource dataSource) {
    try {
      return sessionFactory(mapping.join(), dataSource);
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private static SqlSessionFactory sessionFactory(
      Configuration configuration, DataSource dataSource) {
    configuration.setEnvironment(
        new Environment("genie", new JdbcTransactionFactory(), dataSource));
    return new SqlSessionFactoryBuilder().build(configuration);
  }

  private static Configuration mapping(boolean logSql) {
    Configuration configuration = new Configuration();
    configuration.setMapUnderscoreToCamelCase(true);
    // Every statement decides a race: a cached read would answer from before the race ended.
    configuration.setCacheEnabled(false);
    configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
    configuration.getTypeHandlerRegistry().register(Instant.class, new InstantTypeHandler());
    configuration.addMapper(PromptMapper.class);
    configuration.addInterceptor(new UnloggedStatements());
    if (logSql) {
      configuration.addInterceptor(new StatementLog());
    }
    return configuration;
  }
}
