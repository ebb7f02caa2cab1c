package dev.fleetpress.localcloud.efs;

import static dev.fleetpress.localcloud.efs.CreditModel.GIB;
import static dev.fleetpress.localcloud.efs.CreditModel.KIB;
import static dev.fleetpress.localcloud.efs.CreditModel.MIB;
import static dev.fleetpress.localcloud.efs.CreditModel.TIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.efs.model.ThroughputMode;

class CreditModelTest {
    private static final long HUNDRED_GIB = 100 * GIB;

    @Test
    void baseline_whenHundredGib_isFiftyKibPerSecondPerGib() {
        assertThat(CreditModel.baseline(HUNDRED_GIB)).isEqualTo(5000.0 * KIB);
    }

    @Test
    void baseline_whenTinyFileSystem_hasNoOneMibFloor() {
        assertThat(CreditModel.baseline(GIB)).isEqualTo(50.0 * KIB);
    }

    @Test
    void burstLimit_whenUpToOneTib_isHundredMib() {
        assertThat(CreditModel.burstLimit(HUNDRED_GIB)).isEqualTo(100.0 * MIB);
        assertThat(CreditModel.burstLimit(TIB)).isEqualTo(100.0 * MIB);
    }

    @Test
    void burstLimitAndMaximum_whenThreeTib_scalePerTib() {
        assertThat(CreditModel.burstLimit(3 * TIB)).isEqualTo(300.0 * MIB);
        assertThat(CreditModel.maxBalance(3 * TIB)).isCloseTo(6.3 * TIB, within(1.0));
    }

    @Test
    void maxBalance_whenSmall_isTwoPointOneTib() {
        assertThat(CreditModel.maxBalance(HUNDRED_GIB)).isEqualTo(2.1 * TIB);
    }

    @Test
    void balanceAfter_whenBurstingAboveBaseline_drainsByServedMinusBaseline() {
        double start = 2.1 * TIB;
        double after = CreditModel.balanceAfter(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 100.0 * MIB, start, 3600);
        double drainPerSecond = 100.0 * MIB - 5000.0 * KIB;
        assertThat(start - after).isCloseTo(drainPerSecond * 3600, within(1.0));
    }

    @Test
    void balanceAfter_whenLoadAboveBurstLimit_drainsAtBurstLimitOnly() {
        double a = CreditModel.balanceAfter(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 500.0 * MIB, TIB, 60);
        double b = CreditModel.balanceAfter(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 100.0 * MIB, TIB, 60);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void balanceAfter_whenLoadBelowBaseline_accruesTheDifference() {
        double after = CreditModel.balanceAfter(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 1000.0 * KIB, TIB, 100);
        assertThat(after - TIB).isCloseTo(4000.0 * KIB * 100, within(1.0));
    }

    @Test
    void balanceAfter_whenDrainOutlastsCredits_stopsAtZero() {
        double after = CreditModel.balanceAfter(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 100.0 * MIB, 10.0 * MIB, 3600);
        assertThat(after).isZero();
    }

    @Test
    void served_whenCreditsExhausted_dropsToBaseline() {
        assertThat(CreditModel.served(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 100.0 * MIB, 0)).isEqualTo(5000.0 * KIB);
        assertThat(CreditModel.served(ThroughputMode.BURSTING, HUNDRED_GIB, 0, 100.0 * MIB, 1)).isEqualTo(100.0 * MIB);
    }

    @Test
    void balanceAfter_whenElastic_accruesAtBaselineWhateverTheLoad() {
        double after = CreditModel.balanceAfter(ThroughputMode.ELASTIC, HUNDRED_GIB, 0, 500.0 * MIB, TIB, 100);
        assertThat(after - TIB).isCloseTo(5000.0 * KIB * 100, within(1.0));
        assertThat(CreditModel.served(ThroughputMode.ELASTIC, HUNDRED_GIB, 0, 500.0 * MIB, 0)).isEqualTo(500.0 * MIB);
    }

    @Test
    void served_whenProvisioned_isCappedAtProvisionedMibps() {
        assertThat(CreditModel.served(ThroughputMode.PROVISIONED, HUNDRED_GIB, 50, 500.0 * MIB, 0)).isEqualTo(50.0 * MIB);
        double after = CreditModel.balanceAfter(ThroughputMode.PROVISIONED, HUNDRED_GIB, 50, 500.0 * MIB, TIB, 10);
        assertThat(after - TIB).isCloseTo(5000.0 * KIB * 10, within(1.0));
    }

    @Test
    void balanceAfter_whenAccruingAtMaximum_staysAtMaximum() {
        double after = CreditModel.balanceAfter(ThroughputMode.ELASTIC, HUNDRED_GIB, 0, 0, 2.1 * TIB, 86_400);
        assertThat(after).isEqualTo(2.1 * TIB);
    }
}
