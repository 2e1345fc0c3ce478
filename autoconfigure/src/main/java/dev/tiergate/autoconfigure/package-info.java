/**
 * Spring Boot support shared by tiergate's auto-configurations.
 */
@NullMarked
package dev.tiergate.autoconfigure;

import org.jspecify.annotations.NullMarked;
