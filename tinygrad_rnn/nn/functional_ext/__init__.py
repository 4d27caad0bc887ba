"""The nn.functional functions behind the convolution, pooling, padding, normalisation, dropout,
activation, upsampling and fold layers; `nn.functional` re-exports them, so `F.conv2d` works.

    im2col.py         im2col / col2im, the Functions convolution, avg pooling and F.unfold share
    conv.py           conv1d/2d/3d and conv_transpose1d/2d/3d
    pooling.py        max / avg / adaptive / LP pooling and max_unpool, 1-d and 2-d
    padding.py        pad, with constant, reflect, replicate and circular modes
    normalization.py  group_norm, instance_norm, rms_norm, local_response_norm
    dropout.py        dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout
    activation.py     glu, mish, hardswish, hardsigmoid, prelu, rrelu, celu, the shrinks, threshold
    upsampling.py     interpolate, pixel_shuffle, pixel_unshuffle
    fold.py           unfold, fold
    vectors.py        normalize, pdist, cdist, gumbel_softmax, channel_shuffle
    grid.py           affine_grid, grid_sample
"""
