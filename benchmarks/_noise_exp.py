import sys
import bench_uncertainty as bu

def rule(name):
    def make(n_features):
        from sk_twolayer import TwoLayerRegressor, _posterior
        bu._time_posterior()
        class C(TwoLayerRegressor):
            def _after_training(self, X, targets, partial):
                _posterior.NOISE_RULE = name
                try:
                    super()._after_training(X, targets, partial)
                finally:
                    _posterior.NOISE_RULE = "cv"
        return C(random_state=0)
    return make

for r in ("cv", "cv_gamma", "df"):
    bu.CANDIDATES[f"noise[{r}]"] = rule(r)
bu.main(sys.argv[1:])
