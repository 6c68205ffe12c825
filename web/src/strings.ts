/**
 * Every label of the workspace, in Vietnamese, Japanese and English. Words the service already has
 * (statuses, fields, programmes, genders, column names…) come from its one vocabulary,
 * templates/vocabulary.json, bundled as it is; only the app's own words are written here.
 */

import { createTranslator } from '../../src/lib/translate.ts';
import { alerts, statusReasons } from '../../templates/problems.json';
import vocabulary from '../../templates/vocabulary.json';

export type Lang = 'vi' | 'ja' | 'en';
export const LANGS: Lang[] = ['vi', 'ja', 'en'];
type Text = Record<Lang, string>;
type Group = Record<string, Text>;

/** The groups of templates/vocabulary.json that are value lists: `vocab('candidateStatuses', 'ready')`. */
export type VocabGroup =
  | 'courseKinds'
  | 'programs'
  | 'feeCategories'
  | 'feeSources'
  | 'grievanceCategories'
  | 'grievanceStatuses'
  | 'alertKinds'
  | 'jobCounts'
  | 'jobs'
  | 'transferKinds'
  | 'transferRoutes'
  | 'fields'
  | 'countries'
  | 'candidateStatuses'
  | 'jobOrderStatuses'
  | 'placementStatuses'
  | 'genders'
  | 'enrollmentOutcomes'
  | 'revokeCategories';

const V = vocabulary as unknown as Record<VocabGroup, Group> & {
  exports: { columns: Group; terms: Group };
};

let current: Lang = 'vi';
export const getLang = () => current;
export const setLangValue = (lang: Lang) => {
  current = lang;
};

/** The keys of a vocabulary group, in the vocabulary's order. */
export const vocabKeys = (group: VocabGroup): string[] => Object.keys(V[group]);
/** A value's label in the current language (the value itself when the vocabulary lacks it). */
export const vocab = (group: VocabGroup, key: string | null | undefined): string =>
  key == null ? '' : (V[group][key]?.[current] ?? key);
/** A field's name as the service's exports and import template call it (`column('fullName')`). */
export const column = (key: string): string => V.exports.columns[key]?.[current] ?? key;

/** The service's own words for its reasons (templates/problems.json, only this section is bundled). */
const reasons = createTranslator({ statusReasons });
/**
 * A status-history reason in the current language: one the service wrote itself ("Enrolled in …",
 * "imported from CSV (import …)", a return code) translated, one a person typed as it is.
 */
export const statusReason = (reason: string | null | undefined): string =>
  reason ? reasons.localise(reason, current) : '';

/** The alerts the service raises, in the current language (templates/problems.json, section alerts). */
const alertTexts = createTranslator({ alerts });
/** An alert's message in the current language, its dates written as the language writes them. */
export const alertMessage = (message: string): string =>
  alertTexts.localise(message, current).replace(/\b\d{4}-\d{2}-\d{2}\b/g, (iso) => formatDate(iso));

export const JLPT_LEVELS = ['N5', 'N4', 'N3', 'N2', 'N1'] as const;

/** The app's own words. Add a key here in all three languages; `t('key')` reads it. */
const S = {
  appName: {
    vi: 'Kakehashi — Không gian làm việc',
    ja: 'Kakehashi ワークスペース',
    en: 'Kakehashi workspace',
  },
  language: { vi: 'Ngôn ngữ', ja: '言語', en: 'Language' },
  langName: { vi: 'Tiếng Việt', ja: '日本語', en: 'English' },
  skipToContent: { vi: 'Bỏ qua, đến nội dung', ja: '本文へスキップ', en: 'Skip to content' },
  mainNav: { vi: 'Điều hướng chính', ja: 'メインメニュー', en: 'Main navigation' },
  menu: { vi: 'Trình đơn', ja: 'メニュー', en: 'Menu' },
  // Sign-in and session
  signIn: { vi: 'Đăng nhập', ja: 'ログイン', en: 'Sign in' },
  signInTitle: { vi: 'Đăng nhập vào Kakehashi', ja: 'Kakehashi にログイン', en: 'Sign in to Kakehashi' },
  email: { vi: 'Email', ja: 'メールアドレス', en: 'Email' },
  password: { vi: 'Mật khẩu', ja: 'パスワード', en: 'Password' },
  signOut: { vi: 'Đăng xuất', ja: 'ログアウト', en: 'Sign out' },
  signedInAs: { vi: 'Đã đăng nhập', ja: 'ログイン中', en: 'Signed in' },
  wrongLogin: {
    vi: 'Email hoặc mật khẩu không đúng.',
    ja: 'メールアドレスまたはパスワードが違います。',
    en: 'Wrong email or password.',
  },
  sessionExpired: {
    vi: 'Phiên làm việc đã hết hạn',
    ja: 'セッションの有効期限切れ',
    en: 'Your session has expired',
  },
  sessionExpiredHelp: {
    vi: 'Hãy đăng nhập lại. Dữ liệu bạn đang nhập vẫn được giữ nguyên.',
    ja: 'もう一度ログインしてください。入力中の内容はそのまま残ります。',
    en: 'Sign in again. What you were entering is kept.',
  },
  changePassword: { vi: 'Đổi mật khẩu', ja: 'パスワード変更', en: 'Change password' },
  mustChangePassword: {
    vi: 'Mật khẩu của bạn do quản trị viên đặt. Hãy chọn mật khẩu riêng trước khi tiếp tục.',
    ja: 'パスワードは管理者が設定したものです。続ける前にご自身のパスワードを設定してください。',
    en: 'Your password was set by an administrator. Choose your own before you go on.',
  },
  currentPassword: { vi: 'Mật khẩu hiện tại', ja: '現在のパスワード', en: 'Current password' },
  newPassword: { vi: 'Mật khẩu mới', ja: '新しいパスワード', en: 'New password' },
  newPasswordHelp: {
    vi: 'Ít nhất 12 ký tự, không trùng email, không phải mật khẩu phổ biến.',
    ja: '12文字以上。メールアドレスやよく使われるパスワードは不可。',
    en: 'At least 12 characters, not your email, not a common password.',
  },
  passwordChanged: { vi: 'Đã đổi mật khẩu.', ja: 'パスワードを変更しました。', en: 'Password changed.' },
  // Roles
  role_admin: { vi: 'quản trị viên', ja: '管理者', en: 'administrator' },
  role_center: { vi: 'trung tâm đào tạo', ja: '研修センター', en: 'training center' },
  role_province: { vi: 'cán bộ tỉnh', ja: '省の担当者', en: 'provincial officer' },
  role_partner: { vi: 'đối tác Nhật Bản', ja: '日本側パートナー', en: 'Japanese partner' },
  // Navigation
  nav_home: { vi: 'Trang chính', ja: 'ホーム', en: 'Home' },
  nav_trainees: { vi: 'Học viên', ja: '研修生', en: 'Trainees' },
  nav_register: { vi: 'Đăng ký học viên', ja: '研修生の登録', en: 'Register a trainee' },
  nav_import: { vi: 'Nhập từ tệp', ja: 'ファイル取込', en: 'Import a file' },
  nav_courses: { vi: 'Khóa học', ja: 'コース', en: 'Courses' },
  nav_alerts: { vi: 'Cảnh báo', ja: 'アラート', en: 'Alerts' },
  nav_grievances: { vi: 'Khiếu nại', ja: '苦情・相談', en: 'Grievances' },
  nav_statistics: { vi: 'Thống kê', ja: '統計', en: 'Statistics' },
  nav_account: { vi: 'Tài khoản', ja: 'アカウント', en: 'Account' },
  // Generic
  save: { vi: 'Lưu', ja: '保存', en: 'Save' },
  cancel: { vi: 'Hủy', ja: 'キャンセル', en: 'Cancel' },
  close: { vi: 'Đóng', ja: '閉じる', en: 'Close' },
  search: { vi: 'Tìm kiếm', ja: '検索', en: 'Search' },
  filter: { vi: 'Lọc', ja: '絞り込み', en: 'Filter' },
  all: { vi: 'Tất cả', ja: 'すべて', en: 'All' },
  none: { vi: '—', ja: '—', en: '—' },
  yes: { vi: 'Có', ja: 'はい', en: 'Yes' },
  no: { vi: 'Không', ja: 'いいえ', en: 'No' },
  loading: { vi: 'Đang tải…', ja: '読み込み中…', en: 'Loading…' },
  more: { vi: 'Xem thêm', ja: 'さらに表示', en: 'Show more' },
  noRows: { vi: 'Không có dữ liệu.', ja: 'データがありません。', en: 'Nothing to show.' },
  rowsShown: { vi: 'Đang hiển thị {n} dòng', ja: '{n} 件を表示中', en: '{n} rows shown' },
  download: { vi: 'Tải xuống', ja: 'ダウンロード', en: 'Download' },
  downloaded: { vi: 'Đã tải xuống {name}.', ja: '{name} をダウンロードしました。', en: 'Downloaded {name}.' },
  saved: { vi: 'Đã lưu.', ja: '保存しました。', en: 'Saved.' },
  fixFields: {
    vi: 'Có {n} lỗi; hãy sửa các ô được đánh dấu.',
    ja: '{n} 件のエラーがあります。表示された項目を修正してください。',
    en: '{n} errors: correct the marked fields.',
  },
  errorGeneric: { vi: 'Có lỗi: {detail}', ja: 'エラー：{detail}', en: 'Error: {detail}' },
  forbidden: {
    vi: 'Bạn không có quyền làm việc này.',
    ja: 'この操作の権限がありません。',
    en: 'Your role may not do this.',
  },
  notFound: {
    vi: 'Không tìm thấy trang này.',
    ja: 'ページが見つかりません。',
    en: 'This page does not exist.',
  },
  networkError: {
    vi: 'Không kết nối được máy chủ.',
    ja: 'サーバーに接続できません。',
    en: 'The server cannot be reached.',
  },
  required: { vi: 'bắt buộc', ja: '必須', en: 'required' },
  dateHintVi: { vi: 'DD/MM/YYYY', ja: 'DD/MM/YYYY', en: 'DD/MM/YYYY' },
  dateHint: {
    vi: 'ngày/tháng/năm, ví dụ 31/12/2000',
    ja: '例 2000年12月31日',
    en: 'YYYY-MM-DD, e.g. 2000-12-31',
  },
  dateInvalid: { vi: 'Ngày không hợp lệ.', ja: '日付が正しくありません。', en: 'Not a valid date.' },
  // Trainees
  searchHint: {
    vi: 'Tên (có hoặc không dấu) hoặc mã',
    ja: '氏名（声調記号なしも可）またはコード',
    en: 'Name (with or without accents) or code',
  },
  searchByName: { vi: 'Tìm theo tên hoặc mã', ja: '氏名・コードで検索', en: 'Name or code' },
  jlptAtLeast: { vi: 'Tiếng Nhật từ mức', ja: '日本語能力（以上）', en: 'JLPT at least' },
  register: { vi: 'Đăng ký', ja: '登録する', en: 'Register' },
  registered: {
    vi: 'Đã đăng ký {name} ({code}).',
    ja: '{name}（{code}）を登録しました。',
    en: 'Registered {name} ({code}).',
  },
  consentHelp: {
    vi: 'Học viên đồng ý cho đối tác Nhật Bản xem hồ sơ ẩn danh.',
    ja: '本人が匿名プロフィールの日本側への提供に同意している。',
    en: 'The trainee agrees to share an anonymised profile with Japanese partners.',
  },
  // Trainee detail
  statusNow: { vi: 'Trạng thái mới: {status}.', ja: '新しい状態：{status}', en: 'Status now: {status}.' },
  markReady: { vi: 'Đánh dấu sẵn sàng', ja: '準備完了にする', en: 'Mark ready' },
  withdraw: { vi: 'Rút hồ sơ', ja: '辞退', en: 'Withdraw' },
  reason: { vi: 'Lý do', ja: '理由', en: 'Reason' },
  printProfile: { vi: 'In hồ sơ (履歴書)', ja: '履歴書を印刷', en: 'Print the profile sheet' },
  printCertificate: { vi: 'In chứng nhận', ja: '修了証を印刷', en: 'Print the certificate' },
  printBatch: {
    vi: 'In {n} chứng nhận của khóa',
    ja: 'コースの修了証 {n} 件を印刷',
    en: "Print the course's {n} certificates",
  },
  printLetter: { vi: 'In thư tiếp nhận', ja: '受入通知書を印刷', en: 'Print the placement letter' },
  poolCode: { vi: 'Mã hồ sơ ẩn danh', ja: '匿名プロフィールコード', en: 'Pool code' },
  history: { vi: 'Lịch sử trạng thái', ja: '状態の履歴', en: 'Status history' },
  when: { vi: 'Ngày', ja: '日付', en: 'Date' },
  fromStatus: { vi: 'Từ', ja: '変更前', en: 'From' },
  toStatus: { vi: 'Sang', ja: '変更後', en: 'To' },
  courses: { vi: 'Khóa học', ja: 'コース', en: 'Courses' },
  certificates: { vi: 'Chứng nhận', ja: '修了証', en: 'Certificates' },
  placements: { vi: 'Đi làm việc ở nước ngoài', ja: '派遣', en: 'Placements' },
  document: { vi: 'Văn bản', ja: '書類', en: 'Document' },
  // Courses
  course: { vi: 'Tên khóa học', ja: 'コース名', en: 'Course' },
  courseKind: { vi: 'Loại khóa', ja: '種類', en: 'Kind' },
  period: { vi: 'Thời gian', ja: '期間', en: 'Period' },
  hours: { vi: 'Số giờ', ja: '時間数', en: 'Hours' },
  capacity: { vi: 'Số chỗ', ja: '定員', en: 'Seats' },
  enrolled: { vi: 'Đã ghi danh', ja: '受講者数', en: 'Enrolled' },
  startsOn: { vi: 'Ngày bắt đầu', ja: '開始日', en: 'Starts on' },
  endsOn: { vi: 'Ngày kết thúc', ja: '終了日', en: 'Ends on' },
  newCourse: { vi: 'Mở khóa học mới', ja: '新しいコース', en: 'New course' },
  createCourse: { vi: 'Tạo khóa học', ja: 'コースを作成', en: 'Create the course' },
  enroll: { vi: 'Ghi danh', ja: '受講登録', en: 'Enroll' },
  enrollments: { vi: 'Học viên của khóa', ja: '受講者', en: 'Enrollments' },
  enrolledOne: { vi: 'Đã ghi danh {name}.', ja: '{name} を受講登録しました。', en: 'Enrolled {name}.' },
  findTrainee: { vi: 'Tìm học viên', ja: '研修生を検索', en: 'Find a trainee' },
  lateEntryReason: { vi: 'Lý do ghi danh muộn', ja: '遅れて登録する理由', en: 'Why the entry is late' },
  trainee: { vi: 'Học viên', ja: '研修生', en: 'Trainee' },
  name: { vi: 'Họ và tên', ja: '氏名', en: 'Name' },
  outcome: { vi: 'Kết quả', ja: '結果', en: 'Result' },
  score: { vi: 'Điểm', ja: '点数', en: 'Score' },
  actions: { vi: 'Thao tác', ja: '操作', en: 'Actions' },
  recordResult: { vi: 'Ghi kết quả', ja: '結果を記録', en: 'Record the result' },
  correctResult: { vi: 'Sửa kết quả', ja: '結果を訂正', en: 'Correct the result' },
  resultSaved: {
    vi: 'Đã ghi kết quả của {name}: {outcome}.',
    ja: '{name} の結果を記録しました：{outcome}',
    en: "Recorded {name}'s result: {outcome}.",
  },
  // Import
  importHelp: {
    vi: 'Tải mẫu, điền mỗi học viên một dòng, rồi chọn tệp (.xlsx hoặc .csv). Nếu có dòng lỗi thì không dòng nào được nhập.',
    ja: 'テンプレートをダウンロードし、1行に1人ずつ記入してファイル（.xlsx または .csv）を選んでください。エラーが1行でもあれば何も取り込まれません。',
    en: 'Download the template, fill in one trainee per row, then choose the file (.xlsx or .csv). If any row has an error, nothing is imported.',
  },
  templateXlsx: {
    vi: 'Tải mẫu Excel (.xlsx)',
    ja: 'Excel テンプレート（.xlsx）',
    en: 'Excel template (.xlsx)',
  },
  templateCsv: { vi: 'Tải mẫu CSV', ja: 'CSV テンプレート', en: 'CSV template' },
  importFile: { vi: 'Tệp danh sách', ja: '名簿ファイル', en: 'The file' },
  importNow: { vi: 'Nhập danh sách', ja: '取り込む', en: 'Import' },
  importDone: { vi: 'Đã nhập {n} học viên.', ja: '{n} 人を取り込みました。', en: 'Imported {n} trainees.' },
  importRejected: {
    vi: 'Tệp có {n} lỗi; chưa nhập dòng nào.',
    ja: '{n} 件のエラー：何も取り込んでいません。',
    en: 'The file has {n} errors; nothing was imported.',
  },
  importErrors: { vi: 'Các dòng cần sửa', ja: '修正が必要な行', en: 'Rows to correct' },
  importNothing: {
    vi: 'Sửa các dòng dưới đây trong tệp rồi nhập lại.',
    ja: '以下の行をファイルで修正し、もう一度取り込んでください。',
    en: 'Correct these rows in the file and import it again.',
  },
  importedRows: { vi: 'Học viên đã nhập', ja: '取り込んだ研修生', en: 'Imported trainees' },
  row: { vi: 'Dòng', ja: '行', en: 'Row' },
  column: { vi: 'Cột', ja: '列', en: 'Column' },
  problem: { vi: 'Lỗi', ja: 'エラー', en: 'Problem' },
  // Alerts, grievances, fees
  dueOn: { vi: 'Hạn', ja: '期日', en: 'Due on' },
  alertKind: { vi: 'Loại cảnh báo', ja: '種類', en: 'Kind' },
  message: { vi: 'Nội dung', ja: '内容', en: 'Message' },
  closeAlert: { vi: 'Đã xử lý', ja: '対応済みにする', en: 'Close' },
  note: { vi: 'Ghi chú', ja: 'メモ', en: 'Note' },
  receivedAt: { vi: 'Ngày tiếp nhận', ja: '受付日', en: 'Received' },
  category: { vi: 'Loại', ja: '分類', en: 'Category' },
  description: { vi: 'Nội dung', ja: '内容', en: 'Description' },
  overdue: { vi: 'Quá hạn', ja: '期限超過', en: 'Overdue' },
  resolveDue: { vi: 'Hạn giải quyết', ja: '解決期限', en: 'Resolve by' },
  acknowledge: { vi: 'Xác nhận đã nhận', ja: '受付確認', en: 'Acknowledge' },
  resolve: { vi: 'Giải quyết', ja: '解決', en: 'Resolve' },
  resolution: { vi: 'Cách giải quyết', ja: '対応内容', en: 'Resolution' },
  // grievance form (center and partner placement)
  newGrievance: { vi: 'Ghi nhận khiếu nại', ja: '苦情・相談の受付', en: 'Record a grievance' },
  receivedVia: { vi: 'Kênh tiếp nhận', ja: '受付方法', en: 'Received via' },
  receivedViaHint: {
    vi: 'Điện thoại, đường dây nóng, gặp trực tiếp, email…',
    ja: '電話、ホットライン、面談、メールなど',
    en: 'Phone, hotline, visit, email…',
  },
  fileGrievance: { vi: 'Ghi nhận', ja: '受け付ける', en: 'Record' },
  grievanceFiled: {
    vi: 'Đã ghi nhận khiếu nại; hạn xác nhận 48 giờ, hạn giải quyết 14 ngày.',
    ja: '苦情を受け付けました。受付確認は48時間以内、解決は14日以内です。',
    en: 'Grievance recorded: acknowledge within 48 hours, resolve within 14 days.',
  },
  feeLedger: { vi: 'Các khoản chi phí', ja: '費用の記録', en: 'Fee ledger' },
  workerPaid: {
    vi: 'Người lao động đã trả {paid} yên; mức trần {cap} yên.',
    ja: '本人負担 {paid} 円（上限 {cap} 円）',
    en: 'The worker paid ¥{paid}; the cap is ¥{cap}.',
  },
  overCap: { vi: 'Vượt trần {over} yên.', ja: '上限を {over} 円超過。', en: 'Over the cap by ¥{over}.' },
  paidOn: { vi: 'Ngày trả', ja: '支払日', en: 'Paid on' },
  amount: { vi: 'Số tiền', ja: '金額', en: 'Amount' },
  amountJpy: { vi: 'Quy ra yên', ja: '円換算', en: 'In yen' },
  currency: { vi: 'Loại tiền', ja: '通貨', en: 'Currency' },
  rateToJpy: { vi: 'Tỷ giá (yên / đơn vị)', ja: '換算レート（円／単位）', en: 'Rate (yen per unit)' },
  receiptNo: { vi: 'Số biên lai', ja: '領収書番号', en: 'Receipt no.' },
  feeSource: { vi: 'Căn cứ', ja: '根拠', en: 'Source' },
  payer: { vi: 'Người trả', ja: '支払者', en: 'Payer' },
  payer_worker: { vi: 'Người lao động', ja: '本人', en: 'The worker' },
  payer_employer: { vi: 'Chủ sử dụng', ja: '雇用主', en: 'The employer' },
  payer_other: { vi: 'Khác', ja: 'その他', en: 'Other' },
  addFee: { vi: 'Ghi khoản chi phí', ja: '費用を記録', en: 'Record a fee' },
  // Home
  welcome: { vi: 'Xin chào, {role}', ja: 'ようこそ（{role}）', en: 'Welcome, {role}' },
  statisticsLink: {
    vi: 'Bảng thống kê (trang riêng)',
    ja: '統計ダッシュボード（別ページ）',
    en: 'Statistics dashboard (separate page)',
  },
  // partner
  nav_pool: { vi: 'Nguồn ứng viên', ja: '候補者プール', en: 'Candidate pool' },
  nav_jobOrders: { vi: 'Đơn hàng', ja: '求人', en: 'Job orders' },
  pt_navPlacements: { vi: 'Người lao động đã tuyển', ja: '配属・受入れ', en: 'Placements' },
  pt_poolHelp: {
    vi: 'Hồ sơ ẩn danh của học viên sẵn sàng đã đồng ý chia sẻ. Mã là mã nguồn ứng viên, không cho biết trung tâm hay thứ tự đăng ký.',
    ja: '送出し準備が整い、情報共有に同意した候補者の匿名プロフィールです。コードはプール用の番号で、研修センターや登録順はわかりません。',
    en: 'Anonymised profiles of ready trainees who agreed to share. The code is a pool code: it reveals neither the center nor the order of registration.',
  },
  pt_poolCode: { vi: 'Mã ứng viên', ja: '候補者コード', en: 'Pool code' },
  pt_age: { vi: 'Tuổi', ja: '年齢', en: 'Age' },
  pt_ageMin: { vi: 'Tuổi từ', ja: '年齢（下限）', en: 'Age from' },
  pt_ageMax: { vi: 'Tuổi đến', ja: '年齢（上限）', en: 'Age to' },
  pt_ageRange: { vi: '{min}–{max} tuổi', ja: '{min}〜{max}歳', en: 'aged {min}–{max}' },
  pt_coursesPassed: { vi: 'Khóa học đạt', ja: '修了講座数', en: 'Courses passed' },
  pt_partner: { vi: 'Đối tác', ja: 'パートナー', en: 'Partner' },
  pt_municipality: { vi: 'Thành phố/thị trấn', ja: '市区町村', en: 'Municipality' },
  pt_headcount: { vi: 'Số người cần tuyển', ja: '募集人数', en: 'Headcount' },
  pt_selectedOfHeadcount: { vi: 'Đã chọn / cần tuyển', ja: '選考済み／募集人数', en: 'Selected / headcount' },
  pt_anyGender: { vi: 'Không yêu cầu', ja: '指定なし', en: 'Any' },
  pt_interviewOn: { vi: 'Ngày phỏng vấn', ja: '面接日', en: 'Interview on' },
  pt_departureBy: { vi: 'Xuất cảnh trước ngày', ja: '入国予定（期限）', en: 'Departure by' },
  pt_requirements: { vi: 'Yêu cầu', ja: '条件', en: 'Requirements' },
  pt_jlptMin: { vi: 'Tiếng Nhật {level} trở lên', ja: '日本語{level}以上', en: 'JLPT {level} or better' },
  pt_newOrder: { vi: 'Tạo đơn hàng', ja: '求人を作成', en: 'New job order' },
  pt_createOrder: { vi: 'Tạo đơn hàng', ja: '求人を登録する', en: 'Create the order' },
  pt_orderCreated: {
    vi: 'Đã tạo đơn hàng {name}.',
    ja: '求人（{name}）を登録しました。',
    en: 'Job order {name} created.',
  },
  pt_editOrder: { vi: 'Sửa đơn hàng', ja: '求人内容を編集', en: 'Edit the order' },
  pt_closeOrder: { vi: 'Đóng đơn hàng', ja: '募集を終了', en: 'Close the order' },
  pt_closeReason: { vi: 'Lý do đóng', ja: '終了の理由', en: 'Reason for closing' },
  pt_orderClosed: { vi: 'Đã đóng đơn hàng.', ja: '募集を終了しました。', en: 'The order is closed.' },
  pt_notOpen: {
    vi: 'Đơn hàng ở trạng thái «{status}»: không chọn thêm được.',
    ja: 'この求人は「{status}」のため、これ以上選考できません。',
    en: 'The order is {status}: no more selections.',
  },
  pt_matches: { vi: 'Ứng viên phù hợp', ja: 'マッチング候補者', en: 'Matches' },
  pt_score: { vi: 'Điểm', ja: 'スコア', en: 'Score' },
  pt_scoreParts: {
    vi: 'tiếng Nhật {jlpt} + khóa học {courses} + thời gian chờ {waiting}',
    ja: '日本語 {jlpt}＋講座 {courses}＋待機 {waiting}',
    en: 'JLPT {jlpt} + courses {courses} + waiting {waiting}',
  },
  pt_scoreHelp: {
    vi: 'Điểm (tối đa 100) = tiếng Nhật: 10 khi đạt mức tối thiểu của đơn + 10 cho mỗi bậc cao hơn (tối đa 40) + khóa học: 10 cho mỗi khóa đạt (tối đa 30) + thời gian chờ: 1 cho mỗi 10 ngày sẵn sàng chưa được tuyển (tối đa 30).',
    ja: 'スコア（最大100）＝日本語：求人の条件を満たすと10点、それを上回る1レベルごとに10点（最大40）＋講座：修了1講座ごとに10点（最大30）＋待機：送出し準備完了から配属なしの10日ごとに1点（最大30）。',
    en: 'Score (at most 100) = JLPT: 10 for meeting the order’s minimum + 10 per level above (at most 40) + courses: 10 per passed course (at most 30) + waiting: 1 per 10 days ready without a placement (at most 30).',
  },
  pt_select: { vi: 'Chọn', ja: '選考する', en: 'Select' },
  pt_selectWho: { vi: 'Chọn {code}', ja: '{code} を選考する', en: 'Select {code}' },
  pt_selectTitle: { vi: 'Chọn ứng viên {code}', ja: '候補者 {code} の選考', en: 'Select candidate {code}' },
  pt_selectHelp: {
    vi: 'Điều kiện hợp đồng với {employer} (có thể bổ sung sau). Sau khi chọn, bạn xem được hồ sơ của người này — không bao gồm số CCCD và số điện thoại.',
    ja: '{employer} との契約条件（後から追加もできます）。選考後はこの方の履歴書を見られます。身分証番号と電話番号は含まれません。',
    en: 'Contract terms with {employer} (may be added later). Once selected you can read this person’s record — never the national ID or phone.',
  },
  pt_confirmSelect: { vi: 'Xác nhận chọn', ja: '選考を確定', en: 'Confirm the selection' },
  pt_selectedDone: { vi: 'Đã chọn {code}.', ja: '{code} を選考しました。', en: '{code} selected.' },
  pt_selectedCandidates: { vi: 'Ứng viên đã chọn', ja: '選考済みの候補者', en: 'Selected candidates' },
  pt_contractTerm: { vi: 'Thời hạn hợp đồng', ja: '契約期間', en: 'Contract term' },
  pt_documents: { vi: 'Hồ sơ', ja: '書類', en: 'Documents' },
  pt_placement: { vi: 'Chi tiết', ja: '受入れ詳細', en: 'Placement' },
  pt_profileSheet: { vi: 'In sơ yếu lý lịch', ja: '履歴書を印刷', en: 'Print the profile sheet' },
  pt_profilesBatch: {
    vi: 'In lý lịch tất cả người đã chọn',
    ja: '選考者全員の履歴書を印刷',
    en: 'Print every selected profile',
  },
  pt_candidate: { vi: 'Hồ sơ người lao động', ja: '本人の情報', en: 'The worker' },
  pt_identityStays: {
    vi: 'Số CCCD và số điện thoại do bên phái cử giữ, không hiển thị cho đối tác.',
    ja: '身分証番号・電話番号は送出し側が管理し、パートナーには表示されません。',
    en: 'The national ID and phone stay with the sending side and are not shown to partners.',
  },
  pt_terms: {
    vi: 'Điều kiện hợp đồng và thẻ lưu trú',
    ja: '契約条件・在留カード',
    en: 'Contract terms and residence card',
  },
  pt_termsAfterDeparture: {
    vi: 'Sau khi xuất cảnh chỉ sửa được ngày kết thúc hợp đồng (gia hạn, kèm lý do) và thẻ lưu trú.',
    ja: '出国後は契約終了日（延長・理由が必要）と在留カードのみ変更できます。',
    en: 'After departure only the contract end (an extension, with a reason) and the residence card can change.',
  },
  pt_employerNameLatin: {
    vi: 'Tên doanh nghiệp (chữ Latinh)',
    ja: '雇用主（ローマ字）',
    en: 'Employer (Latin letters)',
  },
  pt_employerAddress: { vi: 'Địa chỉ doanh nghiệp', ja: '雇用主の所在地', en: 'Employer address' },
  pt_supervisingOrg: {
    vi: 'Tổ chức giám sát/hỗ trợ',
    ja: '監理団体・登録支援機関',
    en: 'Supervising organisation',
  },
  pt_cardNo: { vi: 'Số thẻ lưu trú', ja: '在留カード番号', en: 'Residence card number' },
  pt_cardExpiresOn: { vi: 'Thẻ lưu trú hết hạn', ja: '在留期限', en: 'Residence card expires' },
  pt_extensionReason: { vi: 'Lý do gia hạn', ja: '延長の理由', en: 'Reason for the extension' },
  pt_transfers: { vi: 'Chuyển nơi làm việc', ja: '転籍', en: 'Changes of employer' },
  pt_newTransfer: { vi: 'Đăng ký chuyển nơi làm việc', ja: '転籍の届出', en: 'Record a change of employer' },
  pt_requestTransfer: { vi: 'Gửi', ja: '届け出る', en: 'Record it' },
  pt_requestedOn: { vi: 'Ngày đề nghị', ja: '申出日', en: 'Requested on' },
  pt_route: { vi: 'Kênh', ja: '経路', en: 'Route' },
  pt_previousEmployer: { vi: 'Nơi làm việc cũ', ja: '転籍前の雇用主', en: 'Previous employer' },
  pt_newEmployer: { vi: 'Nơi làm việc mới', ja: '転籍先の雇用主', en: 'New employer' },
  pt_skillsTestPassedOn: { vi: 'Ngày đạt kỳ thi kỹ năng', ja: '技能検定合格日', en: 'Skills test passed on' },
  pt_receivedAt: { vi: 'Ngày tiếp nhận', ja: '受付日', en: 'Received' },
  pt_description: { vi: 'Nội dung', ja: '内容', en: 'Description' },
  pt_ackDue: { vi: 'Hạn xác nhận', ja: '受付確認期限', en: 'Acknowledge by' },
  pt_resolveDue: { vi: 'Hạn giải quyết', ja: '解決期限', en: 'Resolve by' },
  pt_action: { vi: 'Xử lý', ja: '対応', en: 'Action' },
  pt_acknowledge: { vi: 'Xác nhận đã nhận', ja: '受付を確認', en: 'Acknowledge' },
  pt_acknowledged: {
    vi: 'Đã xác nhận khiếu nại.',
    ja: '苦情の受付を確認しました。',
    en: 'Grievance acknowledged.',
  },
  // officer
  nav_reports: { vi: 'Báo cáo', ja: 'レポート', en: 'Reports' },
  of_monthly: {
    vi: 'Danh sách người lao động theo tháng',
    ja: '月次労働者リスト',
    en: 'Monthly list of workers',
  },
  of_monthlyHint: {
    vi: 'Người lao động xuất cảnh và về nước trong tháng (mỗi lần đi/về một dòng). Mỗi lần xem đều được ghi nhật ký.',
    ja: 'その月に出国・帰国した労働者（出国・帰国ごとに1行）。閲覧はすべて記録されます。',
    en: 'Workers who departed or returned in the month (one line per movement). Every read is logged.',
  },
  of_monthlyCaption: { vi: 'Người lao động tháng {month}', ja: '{month}の労働者', en: 'Workers, {month}' },
  of_departed: { vi: 'Xuất cảnh', ja: '出国', en: 'Departed' },
  of_returned: { vi: 'Về nước', ja: '帰国', en: 'Returned' },
  of_show: { vi: 'Xem', ja: '表示', en: 'Show' },
  of_downloadXlsx: {
    vi: 'Tải Excel (.xlsx)',
    ja: 'Excel（.xlsx）をダウンロード',
    en: 'Download Excel (.xlsx)',
  },
  of_downloadCsv: { vi: 'Tải CSV', ja: 'CSV をダウンロード', en: 'Download CSV' },
  of_cost: {
    vi: 'Chi phí tuyển dụng (SDG 10.7.1)',
    ja: '募集・渡航費用（SDG 10.7.1）',
    en: 'Recruitment cost (SDG 10.7.1)',
  },
  of_costHint: {
    vi: 'Chi phí người lao động tự trả chia cho thu nhập một tháng ở nước ngoài, theo năm xuất cảnh; chỉ tính các trường hợp đã ghi nhận chi phí.',
    ja: '労働者本人が負担した費用 ÷ 海外での月収（出国年別、費用が記録された配置のみ）。',
    en: 'Costs paid by the worker ÷ monthly earnings abroad, by year of departure, over placements with fees recorded.',
  },
  of_costCaption: {
    vi: 'Chi phí tuyển dụng năm {year}',
    ja: '{year}年の募集・渡航費用',
    en: 'Recruitment cost, {year}',
  },
  of_boundaries2025: {
    vi: '2025 (34 tỉnh)',
    ja: '2025年（34省）',
    en: '2025 (34 provinces)',
  },
  of_boundaries2008: {
    vi: '2008 (63 tỉnh)',
    ja: '2008年（63省）',
    en: '2008 (63 provinces)',
  },
  of_suppressed: { vi: '(ẩn)', ja: '（非表示）', en: '(withheld)' },
  // admin
  nav_accounts: { vi: 'Tài khoản người dùng', ja: 'ユーザー', en: 'User accounts' },
  nav_organisations: { vi: 'Tổ chức', ja: '組織', en: 'Organisations' },
  nav_jobs: { vi: 'Tác vụ định kỳ', ja: '定期ジョブ', en: 'Scheduled jobs' },
  nav_audit: { vi: 'Nhật ký thay đổi', ja: '監査ログ', en: 'Audit log' },
  ad_role: { vi: 'Vai trò', ja: '役割', en: 'Role' },
  ad_scope: { vi: 'Phạm vi', ja: '担当範囲', en: 'Scope' },
  ad_scope_trainingCenterId: { vi: 'Trung tâm đào tạo', ja: '研修センター', en: 'Training center' },
  ad_scope_provinceCode: { vi: 'Tỉnh', ja: '省', en: 'Province' },
  ad_scope_partnerId: { vi: 'Đối tác', ja: 'パートナー', en: 'Partner' },
  ad_active: { vi: 'Đang hoạt động', ja: '有効', en: 'Active' },
  ad_disabled: { vi: 'Đã vô hiệu hóa', ja: '無効', en: 'Disabled' },
  ad_lastLogin: { vi: 'Đăng nhập gần nhất', ja: '最終ログイン', en: 'Last sign-in' },
  ad_actions: { vi: 'Thao tác', ja: '操作', en: 'Actions' },
  ad_disable: { vi: 'Vô hiệu hóa', ja: '無効にする', en: 'Disable' },
  ad_enable: { vi: 'Kích hoạt lại', ja: '有効にする', en: 'Enable' },
  ad_disabledDone: {
    vi: 'Đã vô hiệu hóa {email}.',
    ja: '{email} を無効にしました。',
    en: '{email} disabled.',
  },
  ad_enabledDone: {
    vi: 'Đã kích hoạt lại {email}.',
    ja: '{email} を有効にしました。',
    en: '{email} enabled.',
  },
  ad_changeRole: { vi: 'Đổi vai trò', ja: '役割を変更', en: 'Change role' },
  ad_resetPassword: { vi: 'Đặt lại mật khẩu', ja: 'パスワードを再設定', en: 'Reset password' },
  ad_resetDone: {
    vi: 'Đã đặt lại mật khẩu của {email}.',
    ja: '{email} のパスワードを再設定しました。',
    en: 'Password of {email} reset.',
  },
  ad_temporaryPassword: { vi: 'Mật khẩu tạm thời', ja: '仮パスワード', en: 'Temporary password' },
  ad_temporaryHint: {
    vi: 'Mật khẩu này chỉ hiện một lần. Hãy gửi cho {email}; người đó phải đổi mật khẩu khi đăng nhập.',
    ja: 'このパスワードは一度だけ表示されます。{email} に伝えてください。次回ログイン時に変更が必要です。',
    en: 'Shown only once. Give it to {email}, who must change it at the next sign-in.',
  },
  ad_createAccount: { vi: 'Tạo tài khoản', ja: 'ユーザーを作成', en: 'Create an account' },
  ad_accountCreated: {
    vi: 'Đã tạo tài khoản {email}.',
    ja: '{email} を作成しました。',
    en: 'Account {email} created.',
  },
  ad_initialPassword: { vi: 'Mật khẩu ban đầu', ja: '初期パスワード', en: 'Initial password' },
  ad_passwordHint: {
    vi: 'Ít nhất 12 ký tự, không trùng email.',
    ja: '12文字以上、メールアドレスと同じものは不可。',
    en: 'At least 12 characters, not the email.',
  },
  ad_tab_centers: { vi: 'Trung tâm đào tạo', ja: '研修センター', en: 'Training centers' },
  ad_tab_partners: { vi: 'Đối tác Nhật Bản', ja: '日本側パートナー', en: 'Japanese partners' },
  ad_tab_employers: { vi: 'Doanh nghiệp trong nước', ja: 'ベトナム国内の雇用主', en: 'Home employers' },
  ad_tab_agreements: { vi: 'Thỏa thuận hợp tác', ja: '協力協定', en: 'Agreements' },
  ad_new_centers: { vi: 'Thêm trung tâm', ja: 'センターを追加', en: 'Add a center' },
  ad_new_partners: { vi: 'Thêm đối tác', ja: 'パートナーを追加', en: 'Add a partner' },
  ad_new_employers: { vi: 'Thêm doanh nghiệp', ja: '雇用主を追加', en: 'Add an employer' },
  ad_new_agreements: { vi: 'Thêm thỏa thuận', ja: '協定を追加', en: 'Add an agreement' },
  ad_name: { vi: 'Tên', ja: '名称', en: 'Name' },
  ad_nameJa: { vi: 'Tên tiếng Nhật', ja: '日本語名', en: 'Japanese name' },
  ad_kind: { vi: 'Loại', ja: '種別', en: 'Kind' },
  ad_licenseNo: { vi: 'Số giấy phép', ja: '許可番号', en: 'Licence no.' },
  ad_serialPrefix: { vi: 'Tiền tố số hiệu', ja: '証明書番号の接頭辞', en: 'Serial prefix' },
  ad_industrialPark: { vi: 'Khu công nghiệp', ja: '工業団地', en: 'Industrial park' },
  ad_sector: { vi: 'Ngành', ja: '業種', en: 'Sector' },
  ad_investorCountry: { vi: 'Nước của nhà đầu tư', ja: '投資国', en: 'Investor country' },
  ad_partner: { vi: 'Đối tác', ja: 'パートナー', en: 'Partner' },
  ad_signedOn: { vi: 'Ngày ký', ja: '締結日', en: 'Signed on' },
  ad_title: { vi: 'Tiêu đề', ja: '件名', en: 'Title' },
  ad_partner_prefecture: { vi: 'Tỉnh (Nhật Bản)', ja: '都道府県', en: 'Prefecture' },
  ad_partner_municipality: { vi: 'Thành phố/thị trấn', ja: '市区町村', en: 'Municipality' },
  ad_partner_supervising_org: { vi: 'Nghiệp đoàn quản lý', ja: '監理団体', en: 'Supervising organisation' },
  ad_partner_employer: { vi: 'Doanh nghiệp tiếp nhận', ja: '受入企業', en: 'Employer' },
  ad_partner_support_org: { vi: 'Tổ chức hỗ trợ', ja: '登録支援機関', en: 'Support organisation' },
  ad_partner_agency: { vi: 'Công ty môi giới', ja: '職業紹介事業者', en: 'Agency' },
  ad_agreement_mou: { vi: 'Biên bản ghi nhớ (MOU)', ja: '覚書（MOU）', en: 'Memorandum (MOU)' },
  ad_agreement_joint_declaration: { vi: 'Tuyên bố chung', ja: '共同声明', en: 'Joint declaration' },
  ad_agreement_friendship: { vi: 'Kết nghĩa hữu nghị', ja: '友好提携', en: 'Friendship' },
  ad_job: { vi: 'Tác vụ', ja: 'ジョブ', en: 'Job' },
  ad_description: { vi: 'Mô tả', ja: '説明', en: 'Description' },
  ad_schedule: { vi: 'Lịch chạy', ja: 'スケジュール', en: 'Schedule' },
  ad_lastRun: { vi: 'Lần chạy gần nhất', ja: '前回の実行', en: 'Last run' },
  ad_runNow: { vi: 'Chạy ngay', ja: '今すぐ実行', en: 'Run now' },
  ad_jobRan: {
    vi: 'Tác vụ {name}: {status}. {counts}',
    ja: 'ジョブ {name}：{status}。{counts}',
    en: 'Job {name}: {status}. {counts}',
  },
  ad_showRuns: {
    vi: 'Xem các lần chạy của {name}',
    ja: '{name} の実行履歴を表示',
    en: 'Show the runs of {name}',
  },
  ad_runs: { vi: 'Các lần chạy của {name}', ja: '{name} の実行履歴', en: 'Runs of {name}' },
  ad_started: { vi: 'Bắt đầu', ja: '開始', en: 'Started' },
  ad_duration: { vi: 'Thời gian chạy', ja: '所要時間', en: 'Duration' },
  ad_message: { vi: 'Kết quả / lỗi', ja: '結果／エラー', en: 'Result / error' },
  ad_seconds: { vi: '{s} giây', ja: '{s}秒', en: '{s} s' },
  ad_minutes: { vi: '{m} phút {s} giây', ja: '{m}分{s}秒', en: '{m} min {s} s' },
  ad_run_running: { vi: 'Đang chạy', ja: '実行中', en: 'Running' },
  ad_run_succeeded: { vi: 'Thành công', ja: '成功', en: 'Succeeded' },
  ad_run_failed: { vi: 'Thất bại', ja: '失敗', en: 'Failed' },
  ad_run_skipped: { vi: 'Bỏ qua', ja: 'スキップ', en: 'Skipped' },
  ad_at: { vi: 'Thời điểm', ja: '日時', en: 'When' },
  ad_actor: { vi: 'Người thực hiện', ja: '実行者', en: 'By' },
  ad_action: { vi: 'Hành động', ja: '操作', en: 'Action' },
  ad_entity: { vi: 'Đối tượng', ja: '対象', en: 'Entity' },
  ad_entityId: { vi: 'Mã đối tượng', ja: '対象 ID', en: 'Entity id' },
  ad_change: { vi: 'Thay đổi', ja: '変更内容', en: 'Change' },
  ad_show: { vi: 'Xem', ja: '表示', en: 'Show' },
  ad_entity_candidate: { vi: 'Học viên', ja: '研修生', en: 'Candidate' },
  ad_entity_placement: { vi: 'Hợp đồng phái cử', ja: '配属', en: 'Placement' },
  ad_entity_certificate: { vi: 'Chứng chỉ', ja: '修了証', en: 'Certificate' },
  ad_entity_user: { vi: 'Tài khoản', ja: 'ユーザー', en: 'User' },
  ad_entity_job_order: { vi: 'Đơn hàng', ja: '求人', en: 'Job order' },
  ad_entity_enrollment: { vi: 'Ghi danh', ja: '受講登録', en: 'Enrollment' },
  ad_entity_course: { vi: 'Khóa học', ja: 'コース', en: 'Course' },
  ad_entity_disclosure: { vi: 'Xem hồ sơ đầy đủ', ja: '個人情報の開示', en: 'Disclosure' },
} satisfies Record<string, Text>;

export type StringKey = keyof typeof S;

/** The app's text for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key: StringKey, vars?: Record<string, string | number>): string {
  let s: string = S[key][current];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Numbers as the language writes them (a decimal comma in Vietnamese). */
export const formatNumber = (n: number) =>
  new Intl.NumberFormat(current === 'vi' ? 'vi-VN' : current === 'ja' ? 'ja-JP' : 'en-GB').format(n);

/** A number as typed in the language's form (1.500.000,5 in Vietnamese; 1,500,000.5 otherwise) → number or NaN. */
export function parseNumber(text: string): number {
  const s = text.trim().replaceAll(' ', '');
  return Number(current === 'vi' ? s.replaceAll('.', '').replace(',', '.') : s.replaceAll(',', ''));
}

/** A `YYYY-MM-DD` date as the language writes it: 31/12/2000, 2000年12月31日, 2000-12-31. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  if (current === 'vi') return `${d}/${mo}/${y}`;
  if (current === 'ja') return `${Number(y)}年${Number(mo)}月${Number(d)}日`;
  return `${y}-${mo}-${d}`;
}

/** What a person typed as a date in the current language's form → `YYYY-MM-DD`, or null. */
export function parseDate(text: string): string | null {
  const s = text.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const ja = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/.exec(s);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const parts = dmy ? [dmy[3], dmy[2], dmy[1]] : (ja ?? iso)?.slice(1, 4);
  if (!parts) return null;
  const [y, mo, d] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
