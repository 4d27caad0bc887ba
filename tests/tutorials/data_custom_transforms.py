import tinygrad_rnn as torch
import numpy as np
import warnings

# The "Writing Custom Datasets, DataLoaders and Transforms" tutorial (face landmarks), with a generated
# landmarks table and images instead of the downloaded faces, and the transforms composed by hand.
warnings.filterwarnings("ignore")
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

rng = np.random.RandomState(3)
N_POINTS = 6
SIZES = [(40, 30), (36, 48), (50, 50), (32, 44), (45, 38), (30, 30), (42, 35)]
FACES = {f"face_{i}.jpg": (rng.rand(h, w, 3) * 255).astype(np.uint8) for i, (h, w) in enumerate(SIZES)}
# the CSV: image_name, part_0_x, part_0_y, part_1_x, ...
CSV_ROWS = [[name] + [str(round(float(v), 1)) for p in range(N_POINTS)
                      for v in (rng.rand() * img.shape[1], rng.rand() * img.shape[0])]
            for name, img in FACES.items()]

landmarks_frame = CSV_ROWS
n = 2
img_name = landmarks_frame[n][0]
landmarks = landmarks_frame[n][1:]
landmarks = np.asarray(landmarks, dtype=float).reshape(-1, 2)
print("Image name: {}".format(img_name))
print("Landmarks shape: {}".format(landmarks.shape))
print("First 4 Landmarks: {}".format(landmarks[:4]))


class FaceLandmarksDataset(Dataset):
    """Face Landmarks dataset."""

    def __init__(self, rows, root_dir, transform=None):
        self.landmarks_frame = rows
        self.root_dir = root_dir
        self.transform = transform

    def __len__(self):
        return len(self.landmarks_frame)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        img_name = self.landmarks_frame[idx][0]
        image = FACES[img_name]
        landmarks = self.landmarks_frame[idx][1:]
        landmarks = np.array([landmarks], dtype=float).reshape(-1, 2)
        sample = {"image": image, "landmarks": landmarks}
        if self.transform:
            sample = self.transform(sample)
        return sample


face_dataset = FaceLandmarksDataset(CSV_ROWS, "data/faces/")
for i, sample in enumerate(face_dataset):
    print(i, sample["image"].shape, sample["landmarks"].shape)
    if i == 3:
        break


def resize(image, shape):  # nearest-neighbour stand-in for skimage.transform.resize
    rows = (np.arange(shape[0]) * image.shape[0] / shape[0]).astype(int)
    cols = (np.arange(shape[1]) * image.shape[1] / shape[1]).astype(int)
    return image[rows][:, cols] / 255.0


class Rescale(object):
    """Rescale the image in a sample to a given size."""

    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        self.output_size = output_size

    def __call__(self, sample):
        image, landmarks = sample["image"], sample["landmarks"]
        h, w = image.shape[:2]
        if isinstance(self.output_size, int):
            if h > w:
                new_h, new_w = self.output_size * h / w, self.output_size
            else:
                new_h, new_w = self.output_size, self.output_size * w / h
        else:
            new_h, new_w = self.output_size
        new_h, new_w = int(new_h), int(new_w)
        img = resize(image, (new_h, new_w))
        landmarks = landmarks * [new_w / w, new_h / h]
        return {"image": img, "landmarks": landmarks}


class RandomCrop(object):
    """Crop randomly the image in a sample."""

    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        if isinstance(output_size, int):
            self.output_size = (output_size, output_size)
        else:
            assert len(output_size) == 2
            self.output_size = output_size

    def __call__(self, sample):
        image, landmarks = sample["image"], sample["landmarks"]
        h, w = image.shape[:2]
        new_h, new_w = self.output_size
        top = np.random.randint(0, h - new_h + 1)
        left = np.random.randint(0, w - new_w + 1)
        image = image[top: top + new_h, left: left + new_w]
        landmarks = landmarks - [left, top]
        return {"image": image, "landmarks": landmarks}


class ToTensor(object):
    """Convert ndarrays in sample to Tensors."""

    def __call__(self, sample):
        image, landmarks = sample["image"], sample["landmarks"]
        # numpy image: H x W x C, torch image: C x H x W
        image = image.transpose((2, 0, 1))
        return {"image": torch.from_numpy(image), "landmarks": torch.from_numpy(landmarks)}


class Compose(object):
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


scale = Rescale(32)
crop = RandomCrop(16)
composed = Compose([Rescale(32), RandomCrop(28)])
sample = face_dataset[5]
for tsfrm in [scale, crop, composed]:
    transformed_sample = tsfrm(sample)
    print(type(tsfrm).__name__, transformed_sample["image"].shape, transformed_sample["landmarks"][0])

transformed_dataset = FaceLandmarksDataset(CSV_ROWS, "data/faces/",
                                           transform=Compose([Rescale(32), RandomCrop(28), ToTensor()]))
for i, sample in enumerate(transformed_dataset):
    print(i, sample["image"].size(), sample["landmarks"].size(), sample["image"].dtype, sample["landmarks"].dtype)
    if i == 3:
        break
print(transformed_dataset[torch.tensor(1)]["landmarks"][:2])

torch.manual_seed(0)
dataloader = DataLoader(transformed_dataset, batch_size=3, shuffle=True, num_workers=0)
print(len(dataloader))
for i_batch, sample_batched in enumerate(dataloader):
    print(i_batch, sample_batched["image"].size(), sample_batched["landmarks"].size(), type(sample_batched).__name__)
    images_batch, landmarks_batch = sample_batched["image"], sample_batched["landmarks"]
    batch_size = len(images_batch)
    im_size = images_batch.size(2)
    print(batch_size, im_size, images_batch.dtype, f"{images_batch.mean().item():.5f}")
    print(landmarks_batch[:, 0, :])
    if i_batch == 3:
        break

# the same batches once more, from a seeded generator, and a loader with a custom collate_fn
g = torch.Generator()
g.manual_seed(0)
loader = DataLoader(transformed_dataset, batch_size=2, shuffle=True, generator=g, drop_last=True)
for epoch in range(2):
    print(epoch, [tuple(b["landmarks"].shape) for b in loader], len(loader))


def collate_first_landmark(batch):
    return torch.stack([s["image"] for s in batch]), [s["landmarks"][0].tolist() for s in batch]


loader = DataLoader(transformed_dataset, batch_size=4, collate_fn=collate_first_landmark)
for images, firsts in loader:
    print(images.shape, [[round(v, 3) for v in p] for p in firsts])
