import numpy as np

from ears_tf.data.synthetic import people


def test_genders_are_balanced_and_seeded():
    genders = people.balanced_genders(10, np.random.default_rng(0))
    assert sorted(genders.tolist()) == [0] * 5 + [1] * 5
    np.testing.assert_array_equal(genders, people.balanced_genders(10, np.random.default_rng(0)))


def test_voice_attributes_follow_gender_and_build():
    rng = np.random.default_rng(0)
    speakers = [people.sample_speaker(i, i % 2, rng) for i in range(400)]
    f0 = np.array([s.f0_hz for s in speakers])
    vtl = np.array([s.vtl_cm for s in speakers])
    male = np.array([s.gender == people.MALE for s in speakers])
    build = np.array([s.build for s in speakers])
    assert np.median(f0[male]) < 140 < np.median(f0[~male])
    assert vtl[male].mean() > vtl[~male].mean() + 1.5
    # Within a gender, bigger people have longer vocal tracts.
    assert np.corrcoef(build[male], vtl[male])[0, 1] > 0.5


def test_face_only_attributes_do_not_depend_on_gender():
    rng = np.random.default_rng(1)
    speakers = [people.sample_speaker(i, i % 2, rng) for i in range(600)]
    male = np.array([s.gender == people.MALE for s in speakers])
    glasses = np.array([s.glasses >= 0 for s in speakers])
    skin = np.array([np.mean(s.skin) for s in speakers])
    assert abs(glasses[male].mean() - glasses[~male].mean()) < 0.1
    assert abs(skin[male].mean() - skin[~male].mean()) < 0.05
    assert all(s.beard != "none" for s in speakers if s.gender == people.MALE)
    assert all(s.beard == "none" for s in speakers if s.gender == people.FEMALE)
