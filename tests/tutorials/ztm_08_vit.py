import tinygrad_rnn as torch
nn = torch.nn

# Zero to Mastery "Learn PyTorch for Deep Learning", 08: replicating ViT (a small one, on a made-up image)
torch.manual_seed(42)
height, width, color_channels, patch_size = 32, 32, 3, 8
number_of_patches = int((height * width) / patch_size ** 2)
print(f"Number of patches (N) with image height (H={height}), width (W={width}) and patch size (P={patch_size}): "
      f"{number_of_patches}")
embedding_layer_input_shape = (height, width, color_channels)
embedding_layer_output_shape = (number_of_patches, patch_size ** 2 * color_channels)
print(embedding_layer_input_shape, embedding_layer_output_shape)
image = torch.rand(color_channels, height, width)
image_permuted = image.permute(1, 2, 0)
print(image_permuted[:patch_size, :, :].shape)

conv2d = nn.Conv2d(in_channels=3, out_channels=patch_size ** 2 * 3 // 4, kernel_size=patch_size, stride=patch_size,
                   padding=0)
image_out_of_conv = conv2d(image.unsqueeze(0))
print(image_out_of_conv.shape)
flatten = nn.Flatten(start_dim=2, end_dim=3)
image_out_of_conv_flattened = flatten(image_out_of_conv)
print(image_out_of_conv_flattened.shape)
image_out_of_conv_flattened_reshaped = image_out_of_conv_flattened.permute(0, 2, 1)
print(f"Patch embedding sequence shape: {image_out_of_conv_flattened_reshaped.shape}")
single_feature_map = image_out_of_conv_flattened_reshaped[:, :, 0]
print(single_feature_map.shape, single_feature_map.requires_grad)


class PatchEmbedding(nn.Module):
    def __init__(self, in_channels: int = 3, patch_size: int = 8, embedding_dim: int = 48):
        super().__init__()
        self.patch_size = patch_size
        self.patcher = nn.Conv2d(in_channels=in_channels, out_channels=embedding_dim, kernel_size=patch_size,
                                 stride=patch_size, padding=0)
        self.flatten = nn.Flatten(start_dim=2, end_dim=3)

    def forward(self, x):
        image_resolution = x.shape[-1]
        assert image_resolution % self.patch_size == 0, \
            f"Input image size must be divisble by patch size, image shape: {image_resolution}, patch size: {self.patch_size}"
        x_patched = self.patcher(x)
        x_flattened = self.flatten(x_patched)
        return x_flattened.permute(0, 2, 1)


patchify = PatchEmbedding(in_channels=3, patch_size=8, embedding_dim=48)
print(f"Input image shape: {image.unsqueeze(0).shape}")
patch_embedded_image = patchify(image.unsqueeze(0))
print(f"Output patch embedding shape: {patch_embedded_image.shape}")
batch_size = patch_embedded_image.shape[0]
embedding_dimension = patch_embedded_image.shape[-1]
class_token = nn.Parameter(torch.ones(batch_size, 1, embedding_dimension), requires_grad=True)
print(class_token[:, :, :10])
patch_embedded_image_with_class_embedding = torch.cat((class_token, patch_embedded_image), dim=1)
print(patch_embedded_image_with_class_embedding.shape)
position_embedding = nn.Parameter(torch.ones(1, number_of_patches + 1, embedding_dimension), requires_grad=True)
patch_and_position_embedding = patch_embedded_image_with_class_embedding + position_embedding
print(patch_and_position_embedding.shape, patch_and_position_embedding.grad_fn)


class MultiheadSelfAttentionBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, num_heads: int = 4, attn_dropout: float = 0):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.multihead_attn = nn.MultiheadAttention(embed_dim=embedding_dim, num_heads=num_heads,
                                                    dropout=attn_dropout, batch_first=True)

    def forward(self, x):
        x = self.layer_norm(x)
        attn_output, _ = self.multihead_attn(query=x, key=x, value=x, need_weights=False)
        return attn_output


class MLPBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, mlp_size: int = 96, dropout: float = 0.1):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.mlp = nn.Sequential(nn.Linear(in_features=embedding_dim, out_features=mlp_size), nn.GELU(),
                                 nn.Dropout(p=dropout), nn.Linear(in_features=mlp_size, out_features=embedding_dim),
                                 nn.Dropout(p=dropout))

    def forward(self, x):
        return self.mlp(self.layer_norm(x))


class TransformerEncoderBlock(nn.Module):
    def __init__(self, embedding_dim: int = 48, num_heads: int = 4, mlp_size: int = 96, mlp_dropout: float = 0.1,
                 attn_dropout: float = 0):
        super().__init__()
        self.msa_block = MultiheadSelfAttentionBlock(embedding_dim=embedding_dim, num_heads=num_heads,
                                                     attn_dropout=attn_dropout)
        self.mlp_block = MLPBlock(embedding_dim=embedding_dim, mlp_size=mlp_size, dropout=mlp_dropout)

    def forward(self, x):
        x = self.msa_block(x) + x
        x = self.mlp_block(x) + x
        return x


transformer_encoder_block = TransformerEncoderBlock()
print(transformer_encoder_block)
out = transformer_encoder_block(patch_and_position_embedding)
print(out.shape, out[0, :2, :6])
torch_transformer_encoder_layer = nn.TransformerEncoderLayer(d_model=48, nhead=4, dim_feedforward=96, dropout=0.1,
                                                             activation="gelu", batch_first=True, norm_first=True)
print(torch_transformer_encoder_layer)


class ViT(nn.Module):
    def __init__(self, img_size: int = 32, in_channels: int = 3, patch_size: int = 8, num_transformer_layers: int = 2,
                 embedding_dim: int = 48, mlp_size: int = 96, num_heads: int = 4, attn_dropout: float = 0,
                 mlp_dropout: float = 0.1, embedding_dropout: float = 0.1, num_classes: int = 3):
        super().__init__()
        assert img_size % patch_size == 0, f"Image size must be divisible by patch size, image size: {img_size}, patch size: {patch_size}."
        self.num_patches = (img_size * img_size) // patch_size ** 2
        self.class_embedding = nn.Parameter(data=torch.randn(1, 1, embedding_dim), requires_grad=True)
        self.position_embedding = nn.Parameter(data=torch.randn(1, self.num_patches + 1, embedding_dim),
                                               requires_grad=True)
        self.embedding_dropout = nn.Dropout(p=embedding_dropout)
        self.patch_embedding = PatchEmbedding(in_channels=in_channels, patch_size=patch_size,
                                              embedding_dim=embedding_dim)
        self.transformer_encoder = nn.Sequential(*[TransformerEncoderBlock(embedding_dim=embedding_dim,
                                                                           num_heads=num_heads, mlp_size=mlp_size,
                                                                           mlp_dropout=mlp_dropout)
                                                   for _ in range(num_transformer_layers)])
        self.classifier = nn.Sequential(nn.LayerNorm(normalized_shape=embedding_dim),
                                        nn.Linear(in_features=embedding_dim, out_features=num_classes))

    def forward(self, x):
        batch_size = x.shape[0]
        class_token = self.class_embedding.expand(batch_size, -1, -1)
        x = self.patch_embedding(x)
        x = torch.cat((class_token, x), dim=1)
        x = self.position_embedding + x
        x = self.embedding_dropout(x)
        x = self.transformer_encoder(x)
        x = self.classifier(x[:, 0])
        return x


torch.manual_seed(42)
random_image_tensor = torch.randn(4, 3, 32, 32)
labels = torch.tensor([0, 1, 2, 1])
vit = ViT(num_classes=3)
print(sum(p.numel() for p in vit.parameters() if p.requires_grad))
optimizer = torch.optim.Adam(params=vit.parameters(), lr=3e-3, betas=(0.9, 0.999), weight_decay=0.3)
loss_fn = torch.nn.CrossEntropyLoss()
for step in range(4):
    vit.train()
    logits = vit(random_image_tensor)
    loss = loss_fn(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(step, f"{loss.item():.5f}", logits.argmax(dim=1))
vit.eval()
with torch.inference_mode():
    print(torch.softmax(vit(random_image_tensor), dim=1))
