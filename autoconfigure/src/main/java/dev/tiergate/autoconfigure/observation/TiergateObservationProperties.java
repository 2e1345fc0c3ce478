package dev.tiergate.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of tiergate's observations (traces). Which observations are made at all
 * is Boot's: {@code management.observations.enable.tiergate=false} turns them off.
 */
@ConfigurationProperties("tiergate.observations")
public class TiergateObservationProperties {

	/**
	 * Whether reads answered by L1 are observed too; off because an L1 hit costs
	 * nanoseconds and an observation per hit would flood traces.
	 */
	private boolean l1Hits;

	public boolean isL1Hits() {
		return this.l1Hits;
	}

	public void setL1Hits(boolean l1Hits) {
		this.l1Hits = l1Hits;
	}

}
