/**
 * JMH benchmarks of tiergate side by side with what an application would use instead,
 * each against a real Redis started by the test harness. How to run them, and the
 * figures, are in {@code docs/performance.md}.
 */
@NullMarked
package dev.tiergate.benchmarks;

import org.jspecify.annotations.NullMarked;
