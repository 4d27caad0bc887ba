import tinygrad_rnn as torch
from collections import Counter
nn = torch.nn
# Aladdin Persson's ML/Pytorch/object_detection: intersection_over_union (midpoint and corners),
# non_max_suppression, mean_average_precision with cumsum and trapz, the YOLOv1 loss and
# cellboxes_to_boxes, and the YOLOv3 loss pieces (anchors, sigmoid/exp decoding, BCEWithLogits).
torch.manual_seed(0)


def intersection_over_union(boxes_preds, boxes_labels, box_format="midpoint"):
    if box_format == "midpoint":
        box1_x1 = boxes_preds[..., 0:1] - boxes_preds[..., 2:3] / 2
        box1_y1 = boxes_preds[..., 1:2] - boxes_preds[..., 3:4] / 2
        box1_x2 = boxes_preds[..., 0:1] + boxes_preds[..., 2:3] / 2
        box1_y2 = boxes_preds[..., 1:2] + boxes_preds[..., 3:4] / 2
        box2_x1 = boxes_labels[..., 0:1] - boxes_labels[..., 2:3] / 2
        box2_y1 = boxes_labels[..., 1:2] - boxes_labels[..., 3:4] / 2
        box2_x2 = boxes_labels[..., 0:1] + boxes_labels[..., 2:3] / 2
        box2_y2 = boxes_labels[..., 1:2] + boxes_labels[..., 3:4] / 2
    if box_format == "corners":
        box1_x1 = boxes_preds[..., 0:1]
        box1_y1 = boxes_preds[..., 1:2]
        box1_x2 = boxes_preds[..., 2:3]
        box1_y2 = boxes_preds[..., 3:4]
        box2_x1 = boxes_labels[..., 0:1]
        box2_y1 = boxes_labels[..., 1:2]
        box2_x2 = boxes_labels[..., 2:3]
        box2_y2 = boxes_labels[..., 3:4]
    x1 = torch.max(box1_x1, box2_x1)
    y1 = torch.max(box1_y1, box2_y1)
    x2 = torch.min(box1_x2, box2_x2)
    y2 = torch.min(box1_y2, box2_y2)
    intersection = (x2 - x1).clamp(0) * (y2 - y1).clamp(0)
    box1_area = abs((box1_x2 - box1_x1) * (box1_y2 - box1_y1))
    box2_area = abs((box2_x2 - box2_x1) * (box2_y2 - box2_y1))
    return intersection / (box1_area + box2_area - intersection + 1e-6)


def non_max_suppression(bboxes, iou_threshold, threshold, box_format="corners"):
    assert type(bboxes) == list
    bboxes = [box for box in bboxes if box[1] > threshold]
    bboxes = sorted(bboxes, key=lambda x: x[1], reverse=True)
    bboxes_after_nms = []
    while bboxes:
        chosen_box = bboxes.pop(0)
        bboxes = [
            box for box in bboxes
            if box[0] != chosen_box[0]
            or intersection_over_union(torch.tensor(chosen_box[2:]), torch.tensor(box[2:]), box_format=box_format)
            < iou_threshold
        ]
        bboxes_after_nms.append(chosen_box)
    return bboxes_after_nms


def mean_average_precision(pred_boxes, true_boxes, iou_threshold=0.5, box_format="midpoint", num_classes=3):
    average_precisions = []
    epsilon = 1e-6
    for c in range(num_classes):
        detections = []
        ground_truths = []
        for detection in pred_boxes:
            if detection[1] == c:
                detections.append(detection)
        for true_box in true_boxes:
            if true_box[1] == c:
                ground_truths.append(true_box)
        amount_bboxes = Counter([gt[0] for gt in ground_truths])
        for key, val in amount_bboxes.items():
            amount_bboxes[key] = torch.zeros(val)
        detections.sort(key=lambda x: x[2], reverse=True)
        TP = torch.zeros((len(detections)))
        FP = torch.zeros((len(detections)))
        total_true_bboxes = len(ground_truths)
        if total_true_bboxes == 0:
            continue
        for detection_idx, detection in enumerate(detections):
            ground_truth_img = [bbox for bbox in ground_truths if bbox[0] == detection[0]]
            best_iou = 0
            for idx, gt in enumerate(ground_truth_img):
                iou = intersection_over_union(torch.tensor(detection[3:]), torch.tensor(gt[3:]), box_format=box_format)
                if iou > best_iou:
                    best_iou = iou
                    best_gt_idx = idx
            if best_iou > iou_threshold:
                if amount_bboxes[detection[0]][best_gt_idx] == 0:
                    TP[detection_idx] = 1
                    amount_bboxes[detection[0]][best_gt_idx] = 1
                else:
                    FP[detection_idx] = 1
            else:
                FP[detection_idx] = 1
        TP_cumsum = torch.cumsum(TP, dim=0)
        FP_cumsum = torch.cumsum(FP, dim=0)
        recalls = TP_cumsum / (total_true_bboxes + epsilon)
        precisions = torch.divide(TP_cumsum, (TP_cumsum + FP_cumsum + epsilon))
        precisions = torch.cat((torch.tensor([1]), precisions))
        recalls = torch.cat((torch.tensor([0]), recalls))
        print(c, precisions, recalls, precisions.dtype)
        average_precisions.append(torch.trapz(precisions, recalls))
    return sum(average_precisions) / len(average_precisions)


t1 = torch.tensor([0.8, 0.1, 0.2, 0.2])
t2 = torch.tensor([0.9, 0.2, 0.2, 0.2])
print(intersection_over_union(t1, t2, box_format="midpoint"))
c1 = torch.tensor([[0, 0, 2, 2], [0, 0, 2, 2], [0, 0, 2, 2], [2, 2, 3, 3]])
c2 = torch.tensor([[3, 0, 5, 2], [0, 3, 2, 5], [0, 0, 3, 3], [0, 0, 3, 3]])
print(intersection_over_union(c1, c2, box_format="corners"))
print(intersection_over_union(torch.rand(2, 7, 7, 4), torch.rand(2, 7, 7, 4)).shape)
boxes = [[1, 1, 0.5, 0.45, 0.4, 0.5], [1, 0.8, 0.5, 0.5, 0.2, 0.4], [1, 0.7, 0.25, 0.35, 0.3, 0.1],
         [1, 0.05, 0.1, 0.1, 0.1, 0.1], [2, 0.9, 0.5, 0.5, 0.2, 0.4]]
print(non_max_suppression(boxes, threshold=0.2, iou_threshold=7 / 20, box_format="midpoint"))
preds = [["0", 0, 0.9, 0.55, 0.2, 0.3, 0.2], ["0", 0, 0.8, 0.35, 0.6, 0.3, 0.2], ["0", 0, 0.7, 0.8, 0.7, 0.2, 0.2],
         ["1", 1, 0.6, 0.5, 0.5, 0.4, 0.4], ["1", 0, 0.3, 0.5, 0.5, 0.4, 0.4]]
targets = [["0", 0, 0.9, 0.55, 0.2, 0.3, 0.2], ["0", 0, 0.8, 0.35, 0.6, 0.3, 0.2], ["0", 0, 0.7, 0.8, 0.7, 0.2, 0.2],
           ["1", 1, 0.9, 0.5, 0.5, 0.4, 0.4]]
mean_avg_prec = mean_average_precision(preds, targets, iou_threshold=0.5, box_format="midpoint", num_classes=2)
print(mean_avg_prec, type(mean_avg_prec).__name__)
print(torch.trapz(torch.tensor([1, 2, 3]), torch.tensor([0, 1, 3])), torch.trapezoid(torch.tensor([1.0, 2, 3])))
print(torch.trapz(torch.tensor([1.0, 2, 3]), dx=0.5), torch.cumulative_trapezoid(torch.tensor([1.0, 2, 4])))


class YoloLoss(nn.Module):
    def __init__(self, S=7, B=2, C=20):
        super(YoloLoss, self).__init__()
        self.mse = nn.MSELoss(reduction="sum")
        self.S = S
        self.B = B
        self.C = C
        self.lambda_noobj = 0.5
        self.lambda_coord = 5

    def forward(self, predictions, target):
        predictions = predictions.reshape(-1, self.S, self.S, self.C + self.B * 5)
        iou_b1 = intersection_over_union(predictions[..., 21:25], target[..., 21:25])
        iou_b2 = intersection_over_union(predictions[..., 26:30], target[..., 21:25])
        ious = torch.cat([iou_b1.unsqueeze(0), iou_b2.unsqueeze(0)], dim=0)
        iou_maxes, bestbox = torch.max(ious, dim=0)
        exists_box = target[..., 20].unsqueeze(3)
        box_predictions = exists_box * (
            bestbox * predictions[..., 26:30] + (1 - bestbox) * predictions[..., 21:25]
        )
        box_targets = exists_box * target[..., 21:25]
        box_predictions[..., 2:4] = torch.sign(box_predictions[..., 2:4]) * torch.sqrt(
            torch.abs(box_predictions[..., 2:4] + 1e-6)
        )
        box_targets[..., 2:4] = torch.sqrt(box_targets[..., 2:4])
        box_loss = self.mse(torch.flatten(box_predictions, end_dim=-2), torch.flatten(box_targets, end_dim=-2))
        pred_box = bestbox * predictions[..., 25:26] + (1 - bestbox) * predictions[..., 20:21]
        object_loss = self.mse(torch.flatten(exists_box * pred_box), torch.flatten(exists_box * target[..., 20:21]))
        no_object_loss = self.mse(
            torch.flatten((1 - exists_box) * predictions[..., 20:21], start_dim=1),
            torch.flatten((1 - exists_box) * target[..., 20:21], start_dim=1),
        )
        no_object_loss += self.mse(
            torch.flatten((1 - exists_box) * predictions[..., 25:26], start_dim=1),
            torch.flatten((1 - exists_box) * target[..., 20:21], start_dim=1)
        )
        class_loss = self.mse(
            torch.flatten(exists_box * predictions[..., :20], end_dim=-2,),
            torch.flatten(exists_box * target[..., :20], end_dim=-2,),
        )
        print(iou_maxes.shape, bestbox.shape, bestbox.dtype, box_predictions.grad_fn.name())
        return self.lambda_coord * box_loss + object_loss + self.lambda_noobj * no_object_loss + class_loss


head = nn.Sequential(nn.Flatten(), nn.Linear(48, 64), nn.Dropout(0.0), nn.LeakyReLU(0.1), nn.Linear(64, 7 * 7 * 30))
features = torch.randn(2, 3, 4, 4)
target = torch.rand(2, 7, 7, 30)
target[..., 20] = (target[..., 20] > 0.7).float()
out = head(features)
loss = YoloLoss()(out, target)
loss.backward()
print(out.shape, loss, head[1].weight.grad.abs().sum())


def cellboxes_to_boxes(predictions, S=7):
    predictions = predictions.reshape(predictions.shape[0], 7, 7, 30)
    bboxes1 = predictions[..., 21:25]
    bboxes2 = predictions[..., 26:30]
    scores = torch.cat((predictions[..., 20].unsqueeze(0), predictions[..., 25].unsqueeze(0)), dim=0)
    best_box = scores.argmax(0).unsqueeze(-1)
    best_boxes = bboxes1 * (1 - best_box) + best_box * bboxes2
    cell_indices = torch.arange(7).repeat(predictions.shape[0], 7, 1).unsqueeze(-1)
    x = 1 / S * (best_boxes[..., :1] + cell_indices)
    y = 1 / S * (best_boxes[..., 1:2] + cell_indices.permute(0, 2, 1, 3))
    w_y = 1 / S * best_boxes[..., 2:4]
    converted_bboxes = torch.cat((x, y, w_y), dim=-1)
    predicted_class = predictions[..., :20].argmax(-1).unsqueeze(-1)
    best_confidence = torch.max(predictions[..., 20], predictions[..., 25]).unsqueeze(-1)
    converted_preds = torch.cat((predicted_class, best_confidence, converted_bboxes), dim=-1)
    converted_preds = converted_preds.reshape(predictions.shape[0], S * S, -1)
    converted_preds[..., 0] = converted_preds[..., 0].long()
    all_bboxes = []
    for ex_idx in range(predictions.shape[0]):
        bboxes = []
        for bbox_idx in range(S * S):
            bboxes.append([x.item() for x in converted_preds[ex_idx, bbox_idx, :]])
        all_bboxes.append(bboxes)
    return all_bboxes


with torch.no_grad():
    boxes = cellboxes_to_boxes(out.detach())
print(len(boxes), len(boxes[0]), [round(v, 4) for v in boxes[1][10]])
print(len(non_max_suppression(boxes[0], iou_threshold=0.5, threshold=0.4, box_format="midpoint")))
# YOLOv3 loss pieces
anchors = torch.tensor([(0.28, 0.22), (0.38, 0.48), (0.9, 0.78)])
predictions = torch.randn(2, 3, 4, 4, 7, requires_grad=True)
target = torch.zeros(2, 3, 4, 4, 6)
target[0, 1, 2, 3] = torch.tensor([1, 0.5, 0.4, 1.2, 0.8, 1])
target[1, 0, 0, 1] = torch.tensor([1, 0.2, 0.7, 0.3, 0.6, 0])
target[0, 2, 1, 1, 0] = -1
obj = target[..., 0] == 1
noobj = target[..., 0] == 0
print(obj.sum(), noobj.sum(), obj.dtype)
bce = nn.BCEWithLogitsLoss()
no_object_loss = bce(predictions[..., 0:1][noobj], target[..., 0:1][noobj])
anchors = anchors.reshape(1, 3, 1, 1, 2)
box_preds = torch.cat([torch.sigmoid(predictions[..., 1:3]), torch.exp(predictions[..., 3:5]) * anchors], dim=-1)
ious = intersection_over_union(box_preds[obj], target[..., 1:5][obj]).detach()
object_loss = nn.MSELoss()(torch.sigmoid(predictions[..., 0:1][obj]), ious * target[..., 0:1][obj])
predictions_sig = predictions.clone()
predictions_sig[..., 1:3] = torch.sigmoid(predictions[..., 1:3])
target[..., 3:5] = torch.log((1e-16 + target[..., 3:5] / anchors))
box_loss = nn.MSELoss()(predictions_sig[..., 1:5][obj], target[..., 1:5][obj])
class_loss = nn.CrossEntropyLoss()(predictions[..., 5:][obj], target[..., 5][obj].long())
total = 10 * box_loss + object_loss + 10 * no_object_loss + class_loss
total.backward()
print(no_object_loss, object_loss, box_loss, class_loss, ious.squeeze())
print(predictions.grad[obj], predictions.grad.abs().sum())
