/**
 * A real Redis for tests: {@link dev.tiergate.test.TestRedis} finds or starts one, from
 * an explicit URL, a container, a local {@code redis-server} or the binary of the
 * embedded-redis artifact, and fails saying what to install when none can be had. See
 * {@code docs/testing.md}.
 */
@NullMarked
package dev.tiergate.test;

import org.jspecify.annotations.NullMarked;
