import tinygrad_rnn as torch
import csv
import io
import numpy as np
# "Deep Learning with PyTorch" chapter 4: images as tensors, a wine-quality table from CSV text,
# one-hot encoding with scatter_, masks with torch.le/gt/lt, normalisation, a bike-sharing time
# series reshaped into days, and text one-hot encoding.
# images
np.random.seed(0)
img_arr = (np.random.rand(6, 8, 3) * 255).astype(np.uint8)
img = torch.from_numpy(img_arr)
out = img.permute(2, 0, 1)
print(img.shape, out.shape, out.dtype, out.is_contiguous(), out.stride())
batch_size = 3
batch = torch.zeros(batch_size, 3, 6, 8, dtype=torch.uint8)
for i in range(batch_size):
    img_t = torch.from_numpy(np.roll(img_arr, i, axis=0)).permute(2, 0, 1)
    img_t = img_t[:3]
    batch[i] = img_t
batch = batch.float()
batch /= 255.0
n_channels = batch.shape[1]
for c in range(n_channels):
    mean = torch.mean(batch[:, c])
    std = torch.std(batch[:, c])
    batch[:, c] = (batch[:, c] - mean) / std
print(batch[0, :, 0, :4], batch.std())
# volumetric data
vol_arr = np.random.rand(5, 4, 4).astype(np.float32)
vol = torch.from_numpy(vol_arr).float()
vol = torch.unsqueeze(vol, 0)
print(vol.shape)
# tabular data: wine quality, semicolon separated
rng = np.random.RandomState(1)
rows = np.round(np.column_stack([rng.uniform(4, 15, 40), rng.uniform(0.1, 1.5, 40), rng.uniform(0, 1, 40),
                                 rng.uniform(0.5, 15, 40), rng.uniform(8, 14, 40),
                                 rng.randint(3, 10, 40)]), 3)
header = "fixed acidity;volatile acidity;citric acid;residual sugar;alcohol;quality"
csv_text = header + "\n" + "\n".join(";".join(str(v) for v in r) for r in rows)
wineq_numpy = np.loadtxt(io.StringIO(csv_text), dtype=np.float32, delimiter=";", skiprows=1)
print(wineq_numpy[:3])
col_list = next(csv.reader(io.StringIO(csv_text), delimiter=';'))
print(wineq_numpy.shape, col_list)
wineq = torch.from_numpy(wineq_numpy)
print(wineq.shape, wineq.dtype)
data = wineq[:, :-1]
print(data, data.shape)
target = wineq[:, -1]
print(target, target.shape)
target = wineq[:, -1].long()
print(target)
target_onehot = torch.zeros(target.shape[0], 10)
target_onehot.scatter_(1, target.unsqueeze(1), 1.0)
print(target_onehot[:5])
target_unsqueezed = target.unsqueeze(1)
print(target_unsqueezed[:5])
data_mean = torch.mean(data, dim=0)
print(data_mean)
data_var = torch.var(data, dim=0)
print(data_var)
data_normalized = (data - data_mean) / torch.sqrt(data_var)
print(data_normalized[:3])
bad_indexes = target <= 3
print(bad_indexes.shape, bad_indexes.dtype, bad_indexes.sum())
bad_data = data[bad_indexes]
print(bad_data.shape)
bad_data = data[target <= 3]
mid_data = data[(target > 3) & (target < 7)]
good_data = data[target >= 7]
bad_mean = torch.mean(bad_data, dim=0)
mid_mean = torch.mean(mid_data, dim=0)
good_mean = torch.mean(good_data, dim=0)
for i, args in enumerate(zip(col_list, bad_mean, mid_mean, good_mean)):
    print('{:2} {:20} {:6.2f} {:6.2f} {:6.2f}'.format(i, *args))
total_sulfur_threshold = 7.5
total_sulfur_data = data[:, 3]
predicted_indexes = torch.lt(total_sulfur_data, total_sulfur_threshold)
print(predicted_indexes.shape, predicted_indexes.dtype, predicted_indexes.sum())
actual_indexes = target > 5
print(actual_indexes.shape, actual_indexes.dtype, actual_indexes.sum())
n_matches = torch.sum(actual_indexes & predicted_indexes).item()
n_predicted = torch.sum(predicted_indexes).item()
n_actual = torch.sum(actual_indexes).item()
print(n_matches, n_matches / n_predicted, n_matches / n_actual)
print(torch.le(target, 4).sum(), torch.ge(target, 8).sum(), torch.gt(target, 5.5).float().mean(), torch.eq(target, 6).any())
# time series: bike sharing, hourly rows reshaped into days
hours = 24 * 4
hour_col = np.arange(hours) % 24
bikes_numpy = np.column_stack([np.arange(1, hours + 1), np.arange(hours) // 24 + 1, (np.arange(hours) // 24) % 4 + 1,
                               hour_col, rng.randint(1, 5, hours), rng.uniform(0, 1, hours),
                               rng.randint(0, 400, hours)]).astype(np.float32)
bikes = torch.from_numpy(bikes_numpy)
print(bikes.shape, bikes.stride())
daily_bikes = bikes.view(-1, 24, bikes.shape[1])
print(daily_bikes.shape, daily_bikes.stride())
daily_bikes = daily_bikes.transpose(1, 2)
print(daily_bikes.shape, daily_bikes.stride())
first_day = bikes[:24].long()
weather_onehot = torch.zeros(first_day.shape[0], 4)
print(first_day[:, 4])
weather_onehot.scatter_(dim=1, index=first_day[:, 4].unsqueeze(1).long() - 1, value=1.0)
print(weather_onehot[:5])
print(torch.cat((bikes[:24], weather_onehot), 1)[:1])
daily_weather_onehot = torch.zeros(daily_bikes.shape[0], 4, daily_bikes.shape[2])
print(daily_weather_onehot.shape)
daily_weather_onehot.scatter_(1, daily_bikes[:, 4, :].long().unsqueeze(1) - 1, 1.0)
print(daily_weather_onehot.shape, daily_weather_onehot.sum(1)[:, :5])
daily_bikes = torch.cat((daily_bikes, daily_weather_onehot), dim=1)
daily_bikes[:, 9, :] = (daily_bikes[:, 9, :] - 1.0) / 3.0
temp = daily_bikes[:, 5, :]
temp_min = torch.min(temp)
temp_max = torch.max(temp)
daily_bikes[:, 5, :] = ((daily_bikes[:, 5, :] - temp_min) / (temp_max - temp_min))
temp = daily_bikes[:, 5, :]
daily_bikes[:, 5, :] = ((daily_bikes[:, 5, :] - torch.mean(temp)) / torch.std(temp))
print(daily_bikes[0, 5, :6], daily_bikes.shape)
# text
text = "Impossible, Mr. Bennet, impossible, when I am not acquainted with him myself; how can you be so teasing?"
line = text
letter_t = torch.zeros(len(line), 128)
print(letter_t.shape)
for i, letter in enumerate(line.lower().strip()):
    letter_index = ord(letter) if ord(letter) < 128 else 0
    letter_t[i][letter_index] = 1
print(letter_t.sum(0).nonzero().squeeze()[:10], letter_t.argmax(1)[:10])
def clean_words(input_str):
    punctuation = '.,;:"!?”“_-'
    word_list = input_str.lower().replace('\n', ' ').split()
    word_list = [word.strip(punctuation) for word in word_list]
    return word_list
words_in_line = clean_words(line)
print(line, words_in_line)
word_list = sorted(set(clean_words(text)))
word2index_dict = {word: i for (i, word) in enumerate(word_list)}
print(len(word2index_dict), word2index_dict['impossible'])
word_t = torch.zeros(len(words_in_line), len(word2index_dict))
for i, word in enumerate(words_in_line):
    word_index = word2index_dict[word]
    word_t[i][word_index] = 1
    print('{:2} {:4} {}'.format(i, word_index, word))
print(word_t.shape)
