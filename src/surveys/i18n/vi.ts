// Vietnamese (vi). Polite, friendly "bạn" register, as common in customer-facing Vietnamese.
// Text is stored in Unicode NFC (precomposed diacritics).
import type { Messages } from './types';

export const messages: Messages = {
  question: {
    nps: 'Khả năng bạn giới thiệu {company} cho bạn bè hoặc đồng nghiệp là bao nhiêu?',
    csat: 'Bạn hài lòng với {company} ở mức độ nào?',
    ces: '{company} đã giúp tôi giải quyết vấn đề của mình một cách dễ dàng.',
  },
  followUp: {
    nps: 'Lý do chính cho điểm số của bạn là gì?',
    csat: 'Lý do chính cho đánh giá của bạn là gì?',
    ces: 'Điều gì khiến việc giải quyết vấn đề của bạn trở nên dễ dàng hoặc khó khăn?',
  },
  scaleLow: {
    nps: 'Hoàn toàn không có khả năng',
    csat: 'Rất không hài lòng',
    ces: 'Hoàn toàn không đồng ý',
  },
  scaleHigh: {
    nps: 'Rất có khả năng',
    csat: 'Rất hài lòng',
    ces: 'Hoàn toàn đồng ý',
  },
  scoreLabels: {
    csat: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
    ces: [
      'Hoàn toàn không đồng ý',
      'Không đồng ý',
      'Hơi không đồng ý',
      'Trung lập',
      'Hơi đồng ý',
      'Đồng ý',
      'Hoàn toàn đồng ý',
    ],
  },

  emailSubject: {
    nps: '{company}: chúng tôi đã làm tốt chưa?',
    csat: '{company}: trải nghiệm của bạn thế nào?',
    ces: '{company}: mọi việc có dễ dàng với bạn không?',
  },
  emailGreeting: 'Xin chào {name},',
  emailGreetingNoName: 'Xin chào,',
  emailIntro: 'Chúng tôi rất mong nhận được ý kiến của bạn, và bạn chỉ cần một cú nhấp để trả lời.',
  emailFooter: 'Bạn nhận được email này vì gần đây bạn đã sử dụng dịch vụ của {company}.',
  unsubscribeLink: 'Hủy đăng ký nhận các khảo sát này',
  reminderSubjectPrefix: 'Nhắc nhở: ',

  pageTitle: 'Ý kiến của bạn',
  chooseScore: 'Vui lòng chọn một mức điểm.',
  yourScore: 'Điểm của bạn: {score}',
  changeScore: 'Thay đổi điểm',
  commentLabel: 'Nhận xét của bạn (không bắt buộc)',
  commentPlaceholder: 'Hãy chia sẻ thêm với chúng tôi…',
  submit: 'Gửi',
  thankYouTitle: 'Cảm ơn bạn!',
  thankYouBody:
    'Câu trả lời của bạn đã được ghi nhận. Chúng tôi thực sự trân trọng ý kiến của bạn.',
  commentSaved: 'Cảm ơn bạn, nhận xét của bạn đã được lưu.',
  notFoundTitle: 'Không tìm thấy khảo sát',
  notFoundBody:
    'Liên kết khảo sát này không hợp lệ hoặc không còn tồn tại. Vui lòng kiểm tra xem bạn đã mở đầy đủ liên kết trong email nhận được chưa.',
  expiredTitle: 'Khảo sát đã kết thúc',
  expiredBody: 'Cảm ơn bạn đã quan tâm, nhưng khảo sát này không còn nhận câu trả lời nữa.',
  invalidScoreTitle: 'Điểm không hợp lệ',
  invalidScoreBody:
    'Mức điểm bạn chọn không hợp lệ đối với khảo sát này. Vui lòng chọn một mức điểm trên thang đo.',
  tooManyRequestsTitle: 'Quá nhiều yêu cầu',
  tooManyRequestsBody:
    'Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng đợi một lát rồi thử lại.',
  unsubscribeTitle: 'Hủy đăng ký',
  unsubscribeConfirm: 'Bạn có muốn ngừng nhận các khảo sát này không?',
  unsubscribeButton: 'Có, hủy đăng ký',
  unsubscribedTitle: 'Bạn đã hủy đăng ký',
  unsubscribedBody: 'Bạn sẽ không nhận các khảo sát này nữa.',
  commentTooLong: 'Nhận xét của bạn quá dài (tối đa {max} ký tự).',
  unavailableTitle: 'Chúng tôi sẽ quay lại ngay',
  unavailableBody:
    'Hiện chúng tôi chưa thể nhận câu trả lời của bạn. Vui lòng thử lại sau một phút; liên kết của bạn vẫn còn hiệu lực.',
  forbiddenTitle: 'Yêu cầu không được chấp nhận',
  forbiddenBody:
    'Biểu mẫu này chỉ có thể được gửi từ trang khảo sát. Vui lòng mở lại liên kết trong email của bạn.',
};
