package io.memagent.agent.detect;

/**
 * Least-squares line through (t, y) points, with R² (the share of y's variance the line
 * explains: 1 for points on a line, near 0 for noise around a flat level).
 *
 * @param slopePerMs y units per millisecond
 */
record LinearFit(double slopePerMs, double intercept, double r2, int points) {
    static LinearFit of(long[] t, double[] y, int from, int to) {
        int n = to - from;
        if (n < 2) {
            return new LinearFit(0, n == 1 ? y[from] : 0, 0, n);
        }
        double t0 = t[from]; // centred, so epoch milliseconds do not swamp the sums
        double st = 0;
        double sy = 0;
        for (int i = from; i < to; i++) {
            st += t[i] - t0;
            sy += y[i];
        }
        double mt = st / n;
        double my = sy / n;
        double stt = 0;
        double sty = 0;
        double syy = 0;
        for (int i = from; i < to; i++) {
            double dt = t[i] - t0 - mt;
            double dy = y[i] - my;
            stt += dt * dt;
            sty += dt * dy;
            syy += dy * dy;
        }
        if (stt == 0) {
            return new LinearFit(0, my, 0, n);
        }
        double slope = sty / stt;
        double r2 = syy == 0 ? 0 : (sty * sty) / (stt * syy);
        return new LinearFit(slope, my - slope * (mt + t0), r2, n);
    }

    double slopePerHour() {
        return slopePerMs * 3_600_000.0;
    }
}
