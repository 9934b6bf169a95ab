package dev.genie.persistence.sql.internal;

import java.time.Instant;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/** Builds MyBatis in code: no XML configuration file, one mapper, no caches. */
public final class MyBatis {
  private MyBatis() {}

  /** Without the statement log. */
  public static SqlSessionFactory sessionFactory(DataSource dataSource) {
    return sessionFactory(dataSource, false);
  }

  /**
   * @param logSql whether every statement is logged with its timing ({@link StatementLog})
   */
  public static SqlSessionFactory sessionFactory(DataSource dataSource, boolean logSql) {
    Configuration configuration =
        new Configuration(new Environment("genie", new JdbcTransactionFactory(), dataSource));
    configuration.setMapUnderscoreToCamelCase(true);
    // Every statement decides a race: a cached read would answer from before the race ended.
    configuration.setCacheEnabled(false);
    configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
    configuration.getTypeHandlerRegistry().register(Instant.class, new InstantTypeHandler());
    configuration.addMapper(PromptMapper.class);
    if (logSql) {
      configuration.addInterceptor(new StatementLog());
    }
    return new SqlSessionFactoryBuilder().build(configuration);
  }
}
